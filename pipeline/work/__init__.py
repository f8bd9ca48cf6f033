"""Jobs: the item state machine and its queries, the runner with its registered kinds, the sweep, views, callbacks."""
