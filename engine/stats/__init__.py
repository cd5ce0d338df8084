"""Monitoring figures for dashboards and the public transparency pages (read models only)."""
from engine.stats.cache import TTLCache
from engine.stats.dashboard import figures, local_today, periods, public_summary
from engine.stats.scope import can_see, centre_tree, descendants, home_centre, visible_centres

__all__ = ["TTLCache", "can_see", "centre_tree", "descendants", "figures", "home_centre", "local_today",
           "periods", "public_summary", "visible_centres"]
