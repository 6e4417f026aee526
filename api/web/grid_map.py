"""A grid's boundary drawn into a square box (north up, true to its shape), and a point of the box
read back as latitude and longitude: the directory draws the maps, the report form lets a resident
click the place of a problem on one (an image button, so it works without script).

The boundary is WKT (longitude latitude). A degree of longitude is cos(latitude) as long as a degree
of latitude (≈ 0.87 in 衢州), so longitudes are squeezed by that factor before scaling.
"""

import base64
import math
from dataclasses import dataclass

from shapely import Point, wkt
from shapely.geometry.base import BaseGeometry

MAP_SIZE = 320


@dataclass(frozen=True)
class GridMap:
    shape: BaseGeometry
    west: float
    north: float
    squeeze: float
    scale: float
    size: int
    margin: int

    @classmethod
    def of(cls, boundary: str, size: int = MAP_SIZE, margin: int = 8) -> "GridMap":
        shape = wkt.loads(boundary)
        west, south, east, north = shape.bounds
        squeeze = math.cos(math.radians((south + north) / 2))
        scale = (size - 2 * margin) / max((east - west) * squeeze, north - south, 1e-9)
        return cls(shape, west, north, squeeze, scale, size, margin)

    def path(self) -> str:
        """The outline as SVG path data."""
        rings = [self.shape.exterior] if self.shape.geom_type == "Polygon" else [g.exterior for g in self.shape.geoms]
        pixels = ((self.pixel(lon, lat) for lon, lat in ring.coords) for ring in rings)
        return " ".join("M " + " L ".join(f"{x:.1f} {y:.1f}" for x, y in ring) + " Z" for ring in pixels)

    def pixel(self, lon: float, lat: float) -> tuple[float, float]:
        """Where a place is drawn: (x, y) from the box's top left corner."""
        return self.margin + (lon - self.west) * self.squeeze * self.scale, self.margin + (
            self.north - lat
        ) * self.scale

    def place(self, x: float, y: float) -> tuple[float, float] | None:
        """(lat, lon) of the pixel (x, y), if it lies within the grid; else None (a click beside it, or a
        keyboard press of the image button, which browsers send as 0, 0)."""
        lon = self.west + (x - self.margin) / (self.squeeze * self.scale)
        lat = self.north - (y - self.margin) / self.scale
        return (round(lat, 6), round(lon, 6)) if self.shape.covers(Point(lon, lat)) else None

    def data_url(self) -> str:
        """The map as a standalone SVG image in a `data:` URL (the CSP allows `img-src data:`)."""
        svg = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.size}" height="{self.size}" '
            f'viewBox="0 0 {self.size} {self.size}"><rect width="100%" height="100%" fill="#f0f4f8"/>'
            f'<path d="{self.path()}" fill="#dbe8f5" stroke="#1d4e89" stroke-width="2"/></svg>'
        )
        return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
