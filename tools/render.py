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


def _panel(vertices: np.ndarray, faces: np.ndarray, normals: np.ndarray, view: str,
           width: int, height: int) -> np.ndarray:
    cam = _camera(view)
    pts = vertices @ cam.T
    lo = pts[:, :2].min(0)
    hi = pts[:, :2].max(0)
    span = np.maximum(hi - lo, 1e-9)
    scale = min(width * (1 - 2 * MARGIN) / span[0], height * (1 - 2 * MARGIN) / span[1])
    centre = (lo + hi) / 2
    screen = np.empty_like(pts)
    screen[:, 0] = (pts[:, 0] - centre[0]) * scale + width / 2
    screen[:, 1] = height / 2 - (pts[:, 1] - centre[1]) * scale  # image rows grow down
    screen[:, 2] = pts[:, 2]
    # Lambert from a key light over the viewer's left shoulder plus a headlight; two-sided so
    # open meshes still show their inner faces.
    n_cam = normals @ cam.T
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


# 3x5 pixel glyphs for the view labels (only the letters the view names use)
_GLYPHS = {
    "A": "010101111101101", "B": "110101110101110", "C": "011100100100011",
    "E": "111100110100111", "F": "111100110100100", "G": "011100101101011",
    "H": "101101111101101", "I": "111010010010111", "K": "101101110101101",
    "L": "100100100100111", "M": "101111111101101", "N": "110101101101101",
    "O": "010101101101010", "P": "110101110100100", "R": "110101110101101",
    "S": "011100010001110", "T": "111010010010010",
}


def _label(rgb: np.ndarray, text: str, px: int = 2) -> None:
    x = 6
    for ch in text.upper():
        glyph = _GLYPHS.get(ch)
        if glyph is not None:
            bits = np.array([int(b) for b in glyph], dtype=bool).reshape(5, 3)
            block = np.kron(bits, np.ones((px, px), dtype=bool))
            region = rgb[6 : 6 + block.shape[0], x : x + block.shape[1]]
            region[block[: region.shape[0], : region.shape[1]]] = LABEL_COLOUR
        x += 4 * px
        if x >= rgb.shape[1]:
            break


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
    """One PNG of `size` (width, height) with the views side by side, each fitted to its
    panel. Raises ScadAgentError when there is no mesh to draw."""
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
    edges = np.linspace(0, width, len(views) + 1).round().astype(int)
    panels = []
    for view, left, right in zip(views, edges[:-1], edges[1:], strict=True):
        panel = _panel(vertices, faces, normals, view, int(right - left), height)
        if labels:
            _label(panel, view)
        if left > 0:
            panel[:, 0] = panel[:, 0] * 0.9  # faint divider between panels
        panels.append(panel)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    _write_png(out, np.concatenate(panels, axis=1))
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
