"""Open311 GeoReport v2 for outside channels (a hotline, a resident app), mounted at /open311/v2."""
