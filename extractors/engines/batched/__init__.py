"""Engines that read many pages at once (bulk work): a CPU reference on ONNX Runtime and an optional CUDA one."""
