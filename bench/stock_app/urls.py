"""No HTTP views: the stock app is websocket-only."""

from __future__ import annotations

urlpatterns: list[object] = []
