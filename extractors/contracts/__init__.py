"""Extractors for purchase contracts (商品房买卖合同, 存量房买卖合同) and rental agreements (房屋租赁合同)."""
