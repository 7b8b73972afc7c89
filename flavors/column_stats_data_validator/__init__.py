"""The `column_stats` data validator: profiles and checks tables by their column statistics,
with the standard library only."""
