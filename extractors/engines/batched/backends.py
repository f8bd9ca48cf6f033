"""Where a batch of model inputs is run: ONNX Runtime on the CPU, or the same ONNX graph as PyTorch modules on a
CUDA device. Both take and return NumPy arrays, so the pre- and post-processing around them is one code.

PyTorch is an optional extra (``pip install '.[gpu]'``): nothing here imports it until a CUDA backend is asked
for, and ``assert_cuda_viable`` says, before any model is loaded, why one cannot be had.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import numpy as np

from domain.errors import ConfigError

GPU_EXTRA_HINT = "install the optional GPU extra (pip install '.[gpu]': torch with CUDA, onnx, onnx2torch)"


class Backend(Protocol):
    name: str

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        """The model's output for a batch."""

    def top_classes(self, batch: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(values, indices) of the ``k`` best classes along the last axis, best first: a classifier's output
        reduced where it was computed (a recogniser's is N×T×18710)."""


class OrtCpuBackend:
    name = "onnxruntime-cpu"

    def __init__(self, onnx_path: Path, *, threads: int = 0) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        self._input = self._session.get_inputs()[0].name

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        return self._session.run(None, {self._input: batch})[0]

    def top_classes(self, batch: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        from extractors.engines.batched.lines import top_classes

        return top_classes(self(batch), k)


def assert_cuda_viable(device: str) -> None:
    """ConfigError (exit 3) unless PyTorch, onnx, onnx2torch and a CUDA device are all there."""
    try:
        import onnx  # noqa: F401
        import onnx2torch  # noqa: F401
        import torch
    except ImportError as exc:
        raise ConfigError(
            f"the torch-cuda OCR engine cannot load ({exc.name or exc} is missing): {GPU_EXTRA_HINT}, "
            "or choose a CPU engine (DOCINTEL_OCR__ENGINE=paddle)",
            message_zh="GPU OCR 引擎不可用：未安装 GPU 依赖",
        ) from None
    if not torch.cuda.is_available():
        raise ConfigError(
            "the torch-cuda OCR engine needs a CUDA GPU and none is visible to PyTorch; "
            "choose a CPU engine (DOCINTEL_OCR__ENGINE=paddle) on this machine",
            message_zh="GPU OCR 引擎不可用：本机没有可用的 GPU",
        )
    if device.startswith("cuda:") and int(device.split(":", 1)[1]) >= torch.cuda.device_count():
        raise ConfigError(f"CUDA device {device} does not exist ({torch.cuda.device_count()} visible)")


def _explicit_same_padding(model: Any) -> Any:
    """onnx2torch does not take ``auto_pad=SAME_UPPER``; PP-OCR's models use it only with stride 1, where the
    padding does not depend on the input size, so it is written out as explicit (asymmetric) pads."""
    import onnx

    for node in model.graph.node:
        auto = [a for a in node.attribute if a.name == "auto_pad"]
        if not auto or auto[0].s != b"SAME_UPPER":
            continue
        attrs = {a.name: a for a in node.attribute}
        kernel = list(attrs["kernel_shape"].ints)
        strides = list(attrs["strides"].ints) if "strides" in attrs else [1] * len(kernel)
        if any(s != 1 for s in strides):
            raise ConfigError(f"{node.op_type} {node.name}: SAME_UPPER with stride {strides} is not supported")
        node.attribute.remove(auto[0])
        begin = [(k - 1) // 2 for k in kernel]
        node.attribute.append(
            onnx.helper.make_attribute("pads", begin + [k - 1 - b for k, b in zip(kernel, begin, strict=True)])
        )
    return model


class TorchBackend:
    """The ONNX graph as PyTorch modules on ``device`` (a CUDA device in production; the CPU in a dry run)."""

    name = "torch"

    def __init__(self, onnx_path: Path, *, device: str = "cuda") -> None:
        import onnx
        import onnx2torch
        import torch

        self._torch = torch
        self._device = torch.device(device)
        module = onnx2torch.convert(_explicit_same_padding(onnx.load(str(onnx_path))))
        self._module = module.eval().to(self._device)
        # fp32 throughout: TF32 matrix units would change the last bits of the logits, and with them a few lines.
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False

    def _forward(self, batch: np.ndarray):  # type: ignore[no-untyped-def]
        x = self._torch.from_numpy(batch)
        if self._device.type == "cuda":
            x = x.pin_memory().to(self._device, non_blocking=True)
        return self._module(x).float()

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        with self._torch.inference_mode():
            return self._forward(batch).cpu().numpy()

    def top_classes(self, batch: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        with self._torch.inference_mode():
            values, indices = self._forward(batch).topk(k, dim=-1)  # on the device: k of 18710 cross the bus
            return values.cpu().numpy(), indices.cpu().numpy()
