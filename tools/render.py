"""Previews and viewer formats for a compiled part.

Why a small numpy rasterizer for the PNG: it needs no X server and no GL (these machines
are headless, and OpenSCAD's own PNG export segfaults without a display unless wrapped in
Xvfb, which also re-evaluates the whole program), it draws a typical part in tens of
milliseconds, and the same mesh always gives the same pixels (tests can compare images).
The price is simple looks: orthographic views, flat Lambert shading and a dark silhouette
outline, which is what a reviewer needs to see whether a part has its holes and proportions.

GLB/3MF/OBJ go through trimesh (3MF needs lxml, a core dependency).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from tools.errors import ScadAgentError
from tools.mesh import load_mesh

if TYPE_CHECKING:
    import trimesh

BACKGROUND = np.array([0.96, 0.965, 0.975])
PART_COLOUR = np.array([0.50, 0.62, 0.80])  # grey-blue
OUTLINE_COLOUR = np.array([0.16, 0.20, 0.28])
LABEL_COLOUR = np.array([0.35, 0.38, 0.45])
ANNOTATION_COLOUR = np.array([0.22, 0.22, 0.22])  # neutral: never mistaken for the part
MARGIN = 0.08  # fraction of each panel left empty around the part

# view -> (direction the camera looks along, screen up); screen right = forward x up
VIEWS: dict[str, tuple[tuple[float, float, float], tuple[float, float, float]]] = {
    "iso": ((-1.0, 1.0, -1.0), (0.0, 0.0, 1.0)),  # from front-right-top
    "front": ((0.0, 1.0, 0.0), (0.0, 0.0, 1.0)),
    "back": ((0.0, -1.0, 0.0), (0.0, 0.0, 1.0)),
    "right": ((-1.0, 0.0, 0.0), (0.0, 0.0, 1.0)),
    "left": ((1.0, 0.0, 0.0), (0.0, 0.0, 1.0)),
    "top": ((0.0, 0.0, -1.0), (0.0, 1.0, 0.0)),
    "bottom": ((0.0, 0.0, 1.0), (0.0, -1.0, 0.0)),
}

MESH_FORMATS = ("3mf", "obj", "glb", "stl", "ply", "off")


def _camera(view: str) -> np.ndarray:
    """Rows: screen right, screen up, forward (depth grows away from the camera)."""
    if view not in VIEWS:
        raise ScadAgentError(f"unknown view {view!r}; choose from {', '.join(VIEWS)}")
    forward, up = (np.asarray(v, dtype=float) for v in VIEWS[view])
    forward /= np.linalg.norm(forward)
    up = up - forward * (up @ forward)  # make up orthogonal to the viewing direction
    up /= np.linalg.norm(up)
    right = np.cross(forward, up)
    return np.stack([right, up, forward])


def triangle_fragments(
    tris: np.ndarray, width: int, height: int, chunk: int = 2_000_000
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Pixel centres covered by triangles already in pixel space (x, y, z), by vectorised
    scanlines: every (triangle, row) pair gives the span of pixel centres inside, so long
    thin triangles (CGAL makes many) cost their area, not their bounding box. Processes
    triangles in chunks of about `chunk` bounding-box pixels. Yields (triangle index, flat
    pixel index y * width + x, z on the triangle's plane). Shared by the z-buffer below and
    by evals.reference (voxel occupancy by ray parity)."""
    a, b, c = tris[:, 0], tris[:, 1], tris[:, 2]
    e1, e2 = b - a, c - a
    area = e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0]
    keep = np.abs(area) > 1e-12  # edge-on triangles cover no pixel centre
    safe = np.where(keep, area, 1.0)
    # z = a.z + gx (x - a.x) + gy (y - a.y) on each triangle's plane
    gx = (e1[:, 2] * e2[:, 1] - e1[:, 1] * e2[:, 2]) / safe
    gy = (e1[:, 0] * e2[:, 2] - e1[:, 2] * e2[:, 0]) / safe
    # rows whose centre (r + 0.5) lies within the triangle's y span
    r0 = np.clip(np.ceil(tris[:, :, 1].min(1) - 0.5), 0, height).astype(int)
    r1 = np.clip(np.floor(tris[:, :, 1].max(1) - 0.5), -1, height - 1).astype(int)
    rows = np.where(keep, np.maximum(r1 - r0 + 1, 0), 0)
    span = np.ceil(tris[:, :, 0].max(1) - tris[:, :, 0].min(1)).astype(int) + 1
    cost = rows * span
    order = np.flatnonzero(rows)
    edges = ((a, b), (b, c), (c, a))
    start = 0
    while start < len(order):
        stop = start + max(1, int(np.searchsorted(np.cumsum(cost[order[start:]]), chunk)))
        idx = order[start:stop]
        start = stop
        n = rows[idx]
        tri = np.repeat(idx, n)
        row = r0[tri] + np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
        cy = row + 0.5
        left = np.full(len(tri), np.inf)
        right = np.full(len(tri), -np.inf)
        for p, q in edges:
            py, qy = p[tri, 1], q[tri, 1]
            dy = qy - py
            with np.errstate(divide="ignore", invalid="ignore"):
                t = (cy - py) / dy
            valid = (dy != 0) & (t >= 0) & (t <= 1)
            x = p[tri, 0] + t * (q[tri, 0] - p[tri, 0])
            left = np.where(valid, np.minimum(left, x), left)
            right = np.where(valid, np.maximum(right, x), right)
        c0 = np.clip(np.ceil(left - 0.5), 0, width).astype(int)
        c1 = np.clip(np.floor(right - 0.5), -1, width - 1).astype(int)
        m = np.maximum(c1 - c0 + 1, 0)
        if not m.any():
            continue
        ptri = np.repeat(tri, m)
        px = np.repeat(c0, m) + np.arange(m.sum()) - np.repeat(np.cumsum(m) - m, m)
        prow = np.repeat(row, m)
        z = (a[ptri, 2] + gx[ptri] * (px + 0.5 - a[ptri, 0])
             + gy[ptri] * (prow + 0.5 - a[ptri, 1]))
        yield ptri, prow * width + px, z


def _rasterize(
    tris: np.ndarray, shade: np.ndarray, width: int, height: int
) -> tuple[np.ndarray, np.ndarray]:
    """Z-buffer: (depth, shade) images; depth is inf where nothing was drawn."""
    depth = np.full(height * width, np.inf)
    image = np.zeros(height * width)
    for tri, pix, z in triangle_fragments(tris, width, height):
        val = shade[tri]
        # nearest fragment per pixel: sort by (pixel, depth), keep each pixel's first
        srt = np.lexsort((z, pix))
        pix, z, val = pix[srt], z[srt], val[srt]
        first = np.ones(len(pix), dtype=bool)
        first[1:] = pix[1:] != pix[:-1]
        pix, z, val = pix[first], z[first], val[first]
        closer = z < depth[pix]
        depth[pix[closer]] = z[closer]
        image[pix[closer]] = val[closer]
    return depth.reshape(height, width), image.reshape(height, width)


@dataclass(frozen=True)
class _View:
    """One panel's projection: the camera rows, the vertices in camera space and their
    extent on screen (model units)."""

    name: str
    cam: np.ndarray
    pts: np.ndarray
    lo: np.ndarray
    hi: np.ndarray

    @classmethod
    def project(cls, vertices: np.ndarray, name: str) -> _View:
        cam = _camera(name)
        pts = vertices @ cam.T
        return cls(name, cam, pts, pts[:, :2].min(0), pts[:, :2].max(0))

    @property
    def axes(self) -> tuple[int, int] | None:
        """The model axes along screen right and up, or None for a pictorial view (iso),
        where no length on screen is true to scale."""
        right, up = np.abs(self.cam[0]), np.abs(self.cam[1])
        if right.max() < 0.999 or up.max() < 0.999:
            return None
        return int(right.argmax()), int(up.argmax())

    def fit(self, box: tuple[int, int, int, int], margin: float) -> float:
        """Pixels per model unit that fit the part into box (x0, y0, x1, y1)."""
        span = np.maximum(self.hi - self.lo, 1e-9)
        return float(min((box[2] - box[0]) * (1 - 2 * margin) / span[0],
                         (box[3] - box[1]) * (1 - 2 * margin) / span[1]))


def _draw(view: _View, faces: np.ndarray, normals: np.ndarray, scale: float,
          centre: tuple[float, float], width: int, height: int) -> np.ndarray:
    """The shaded part, its projected centre at pixel `centre`."""
    mid = (view.lo + view.hi) / 2
    screen = np.empty_like(view.pts)
    screen[:, 0] = (view.pts[:, 0] - mid[0]) * scale + centre[0]
    screen[:, 1] = centre[1] - (view.pts[:, 1] - mid[1]) * scale  # image rows grow down
    screen[:, 2] = view.pts[:, 2]
    # Lambert from a key light over the viewer's left shoulder plus a headlight; two-sided so
    # open meshes still show their inner faces.
    n_cam = normals @ view.cam.T
    key = np.array([-0.45, 0.55, -0.70])
    key /= np.linalg.norm(key)
    lambert = 0.55 * np.abs(n_cam @ key) + 0.30 * np.abs(n_cam[:, 2])
    shade = 0.18 + lambert
    depth, lit = _rasterize(screen[faces], shade, width, height)
    drawn = np.isfinite(depth)
    rgb = np.where(drawn[..., None], np.clip(lit[..., None] * PART_COLOUR, 0, 1), BACKGROUND)
    _outline(rgb, drawn, depth, scale)
    return rgb


def _outline(rgb: np.ndarray, drawn: np.ndarray, depth: np.ndarray, scale: float) -> None:
    """Darken silhouette pixels and depth jumps (hole rims, steps) so edges read clearly."""
    d = np.where(drawn, depth, np.nan)
    edge = np.zeros_like(drawn)
    jump = 3.0 / scale  # depth step worth an edge: a few pixels' worth of model units
    for axis in (0, 1):
        for shift in (1, -1):
            nb_drawn = np.roll(drawn, shift, axis=axis)
            nb_d = np.roll(d, shift, axis=axis)
            with np.errstate(invalid="ignore"):
                edge |= drawn & (~nb_drawn | (np.abs(d - nb_d) > jump))
    rgb[edge] = rgb[edge] * 0.35 + OUTLINE_COLOUR * 0.65


# Text for the annotations, as 5-row bitmaps scaled by `px`: the core install has no imaging
# library (Pillow comes only with the tui/web extras), and a fixed font keeps the same
# mesh giving the same pixels everywhere. Rows top to bottom; glyphs may be wider than 3.
_FONT: dict[str, str] = {
    "0": "111 101 101 101 111", "1": "010 110 010 010 111", "2": "110 001 010 100 111",
    "3": "110 001 010 001 110", "4": "101 101 111 001 001", "5": "111 100 110 001 110",
    "6": "011 100 111 101 111", "7": "111 001 010 010 010", "8": "111 101 111 101 111",
    "9": "111 101 111 001 110", ".": "0 0 0 0 1", "-": "000 000 111 000 000",
    " ": "00 00 00 00 00", "x": "000 000 101 010 101", "m": "00000 00000 11110 10101 10101",
    "A": "010 101 111 101 101", "B": "110 101 110 101 110", "C": "011 100 100 100 011",
    "E": "111 100 110 100 111", "F": "111 100 110 100 100", "G": "011 100 101 101 011",
    "H": "101 101 111 101 101", "I": "111 010 010 010 111", "K": "101 101 110 101 101",
    "L": "100 100 100 100 111", "M": "101 111 111 101 101", "N": "110 101 101 101 101",
    "O": "010 101 101 101 010", "P": "110 101 110 100 100", "R": "110 101 110 101 101",
    "S": "011 100 010 001 110", "T": "111 010 010 010 010", "X": "101 101 010 101 101",
    "Y": "101 101 010 010 010", "Z": "111 001 010 100 111",
}
_GLYPHS = {ch: np.array([[c == "1" for c in row] for row in rows.split()])
           for ch, rows in _FONT.items()}
AXIS_NAMES = "XYZ"


def _text_mask(text: str, px: int) -> np.ndarray:
    """The text as a boolean bitmap 5 * px high; characters without a glyph are blank."""
    gap = np.zeros((5, 1), dtype=bool)
    columns: list[np.ndarray] = []
    for ch in text:
        glyph = _GLYPHS.get(ch, _GLYPHS.get(ch.upper(), np.zeros((5, 3), dtype=bool)))
        columns += [glyph, gap]
    bits = np.concatenate(columns[:-1] or [gap], axis=1)
    return np.kron(bits, np.ones((px, px), dtype=bool))


def _paint(rgb: np.ndarray, mask: np.ndarray, x: int, y: int, colour: np.ndarray) -> None:
    """Colour the mask's pixels with its top-left corner at (x, y), clipped to the image."""
    h, w = rgb.shape[:2]
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + mask.shape[1], w), min(y + mask.shape[0], h)
    if x0 < x1 and y0 < y1:
        rgb[y0:y1, x0:x1][mask[y0 - y : y1 - y, x0 - x : x1 - x]] = colour


def _box(rgb: np.ndarray, x0: int, y0: int, x1: int, y1: int, colour: np.ndarray) -> None:
    _paint(rgb, np.ones((max(y1 - y0, 0), max(x1 - x0, 0)), dtype=bool), x0, y0, colour)


def _mm(length: float) -> str:
    return f"{length:.1f}"


def dimension_caption(extents: Sequence[float]) -> str:
    """The part's size for a caption: (60, 40, 5) -> "60.0 x 40.0 x 5.0 mm". The one
    wording of a part's size for the PNG and every face. Raises ValueError unless given
    three finite, non-negative numbers."""
    values = list(extents)
    if len(values) != 3 or not all(
            isinstance(v, int | float | np.number) and not isinstance(v, bool)
            and np.isfinite(v) and v >= 0 for v in values):
        raise ValueError(f"extents must be three finite lengths, got {extents!r}")
    return " x ".join(_mm(float(v)) for v in values) + " mm"


def _dimensions(rgb: np.ndarray, axes: tuple[int, int], extents: np.ndarray,
                part: tuple[float, float, float, float], px: int) -> None:
    """Dimension lines with their lengths: screen-right's axis under the part, screen-up's
    along its left side (text turned to read upwards). part = (left, top, right, bottom)."""
    left, top, right, bottom = (int(round(v)) for v in part)
    width = rgb.shape[1]
    tick, gap, high = 2 * px, 3 * px, 5 * px
    # under the part: a line with end ticks, the label centred below it
    y = bottom + gap
    _box(rgb, left, y, max(right, left + 1), y + 1, ANNOTATION_COLOUR)
    for x in (left, max(right - 1, left)):
        _box(rgb, x, y - tick, x + 1, y + tick + 1, ANNOTATION_COLOUR)
    text = _text_mask(f"{AXIS_NAMES[axes[0]]} {_mm(extents[axes[0]])} mm", px)
    tx = min(max((left + right - text.shape[1]) // 2, 0), width - text.shape[1])
    _paint(rgb, text, tx, y + gap, ANNOTATION_COLOUR)
    # left of the part: the same, upright; the text never reaches below the part, where
    # the other label is
    x = left - gap
    _box(rgb, x, top, x + 1, max(bottom, top + 1), ANNOTATION_COLOUR)
    for y in (top, max(bottom - 1, top)):
        _box(rgb, x - tick, y, x + tick + 1, y + 1, ANNOTATION_COLOUR)
    text = np.rot90(_text_mask(f"{AXIS_NAMES[axes[1]]} {_mm(extents[axes[1]])} mm", px))
    ty = max(min((top + bottom - text.shape[0]) // 2, bottom - text.shape[0]), 0)
    _paint(rgb, text, x - gap - high, ty, ANNOTATION_COLOUR)


def scale_bar_length(longest: float) -> float:
    """The longest round length (1, 2 or 5 times a power of ten, in mm) not over `longest`."""
    power = 10.0 ** np.floor(np.log10(longest))
    return float(max(m * power for m in (1, 2, 5) if m * power <= longest * (1 + 1e-9)))


def _footer(width: int, px: int, caption: str, scale: float | None) -> np.ndarray:
    """A strip under the views: the part's size on the left and, when the views share a
    true scale, a scale bar of a round length on the right."""
    high, pad = 5 * px, 3 * px
    strip = np.empty((high + 2 * pad, width, 3))  # 11 * px: render_png leaves this room
    strip[:] = BACKGROUND
    strip[0] = strip[0] * 0.9  # faint divider under the views
    text = _text_mask(caption, px)
    if text.shape[1] + 12 <= width:
        _paint(strip, text, 6, pad, ANNOTATION_COLOUR)
    free = width - 6 - (text.shape[1] + 6 + 4 * pad)  # right of the caption
    if scale is None:
        return strip
    longest = min(0.3 * width, free - 30 * px) / scale  # room for the bar and "200 mm"
    if longest <= 0:
        return strip
    length = scale_bar_length(longest)
    bar = int(round(length * scale))
    label = _text_mask(f"{length:g} mm", px)
    right = width - 6
    if bar < 2 * px or bar + label.shape[1] + pad > free:
        return strip
    _box(strip, right - bar, pad + 2 * px, right, pad + 3 * px, ANNOTATION_COLOUR)
    for x in (right - bar, right - 1):
        _box(strip, x, pad, x + 1, pad + high, ANNOTATION_COLOUR)
    _paint(strip, label, right - bar - pad - label.shape[1], pad, ANNOTATION_COLOUR)
    return strip


def _write_png(path: Path, rgb: np.ndarray) -> None:
    """Minimal PNG writer (8-bit RGB) so the core install needs no imaging library."""
    img = (np.clip(rgb, 0, 1) * 255 + 0.5).astype(np.uint8)
    h, w, _ = img.shape
    raw = np.concatenate([np.zeros((h, 1), np.uint8), img.reshape(h, w * 3)], axis=1)

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
    png += chunk(b"IDAT", zlib.compress(raw.tobytes(), 6)) + chunk(b"IEND", b"")
    path.write_bytes(png)


def _mesh_or_raise(stl: Path) -> trimesh.Trimesh:
    mesh = load_mesh(stl)
    if mesh is None:
        raise ScadAgentError(f"nothing to render: {stl} is missing, unreadable or empty")
    return mesh


def render_png(
    stl: Path,
    out: Path,
    *,
    views: Sequence[str] = ("iso", "front", "top"),
    size: tuple[int, int] = (640, 480),
    labels: bool = True,
) -> Path:
    """One PNG of `size` (width, height) with the views side by side. The axis-aligned views
    (front, top, ...) share one scale, so a length reads the same in each; the pictorial iso
    view fills its own panel. `labels` adds the view names and, where the image is big
    enough, each axis-aligned view's dimension lines ("X 60.0 mm") and a strip with the
    part's size and a scale bar. Raises ScadAgentError when there is no mesh to draw."""
    if not views:
        raise ScadAgentError("render_png needs at least one view")
    width, height = int(size[0]), int(size[1])
    if width < 8 * len(views) or height < 8:
        raise ScadAgentError(f"image size {size} is too small for {len(views)} views")
    for view in views:
        _camera(view)  # validate names before the (slower) load
    mesh = _mesh_or_raise(Path(stl))
    vertices = np.asarray(mesh.vertices, dtype=float)
    faces = np.asarray(mesh.faces)
    normals = np.asarray(mesh.face_normals, dtype=float)
    extents = vertices.max(0) - vertices.min(0)
    projected = [_View.project(vertices, view) for view in views]
    edges = np.linspace(0, width, len(views) + 1).round().astype(int)
    narrowest = int(np.diff(edges).min())
    annotate = labels and height >= 100 and narrowest >= 64
    px = 2 if height >= 240 and narrowest >= 160 else 1
    band = 5 * px + 8 * px  # room for a dimension line and its text
    panel_h = height - (11 * px if annotate else 0)  # the footer strip's height
    boxes = []
    for view, left, right in zip(projected, edges[:-1], edges[1:], strict=True):
        w = int(right - left)
        if not annotate:
            boxes.append((0, 0, w, panel_h))
        elif view.axes:
            boxes.append((band, 11 * px, w - 3 * px, panel_h - band))
        else:
            boxes.append((3 * px, 11 * px, w - 3 * px, panel_h - 3 * px))
    margin = 0.03 if annotate else MARGIN
    fits = [view.fit(box, margin) for view, box in zip(projected, boxes, strict=True)]
    true_scale = min((f for view, f in zip(projected, fits, strict=True) if view.axes),
                     default=None)
    panels = []
    for view, box, fit, left, right in zip(projected, boxes, fits, edges[:-1], edges[1:],
                                           strict=True):
        scale = true_scale if view.axes and true_scale is not None else fit
        centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
        panel = _draw(view, faces, normals, scale, centre, int(right - left), panel_h)
        if labels:
            _paint(panel, _text_mask(view.name.upper(), px), 6, 6, LABEL_COLOUR)
        if annotate and view.axes:
            half = (view.hi - view.lo) * scale / 2
            _dimensions(panel, view.axes, extents, (centre[0] - half[0], centre[1] - half[1],
                                                    centre[0] + half[0], centre[1] + half[1]),
                        px)
        if left > 0:
            panel[:, 0] = panel[:, 0] * 0.9  # faint divider between panels
        panels.append(panel)
    image = np.concatenate(panels, axis=1)
    if annotate:
        image = np.concatenate([image, _footer(width, px, dimension_caption(extents),
                                               true_scale)])
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    _write_png(out, image)
    return out


def export_mesh(stl: Path, out: Path, fmt: str) -> Path:
    """Convert a mesh file to 3mf/obj/glb (or stl/ply/off) with trimesh."""
    fmt = fmt.lower().lstrip(".")
    if fmt not in MESH_FORMATS:
        raise ScadAgentError(f"cannot export {fmt!r}; choose from {', '.join(MESH_FORMATS)}")
    mesh = _mesh_or_raise(Path(stl))
    if fmt == "glb":
        # a colour so web viewers show the part like the PNG preview, not plain white
        from trimesh.visual import TextureVisuals
        from trimesh.visual.material import PBRMaterial

        mesh.visual = TextureVisuals(material=PBRMaterial(
            baseColorFactor=[*(PART_COLOUR * 255).astype(int).tolist(), 255],
            metallicFactor=0.1,
            roughnessFactor=0.7,
        ))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = mesh.export(file_type=fmt)
    except ImportError as exc:
        raise ScadAgentError(f"exporting {fmt} needs {exc.name!r}: pip install {exc.name}") from exc
    out.write_bytes(data if isinstance(data, bytes) else data.encode())
    return out


def export_glb(stl: Path, out: Path) -> Path:
    """A binary glTF for web viewers (gradio's Model3D)."""
    return export_mesh(stl, out, "glb")
