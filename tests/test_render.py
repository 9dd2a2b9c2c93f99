"""Headless previews and exports of real parts."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
import trimesh
from scad_parts import part_stl

from tools.errors import ScadAgentError
from tools.mesh import analyze_mesh
from tools.render import BACKGROUND, export_glb, export_mesh, render_png


def read_png(path: Path) -> np.ndarray:
    """Decode the 8-bit RGB, filter-0 PNGs render_png writes (independent of its writer)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        tag, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        assert zlib.crc32(tag + body) == struct.unpack(">I", data[pos + 8 + length :][:4])[0]
        if tag == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 2)
        elif tag == b"IDAT":
            idat += body
        pos += 12 + length
    rows = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(height, width * 3 + 1)
    assert (rows[:, 0] == 0).all()
    return rows[:, 1:].reshape(height, width, 3)


def part_pixels(img: np.ndarray) -> np.ndarray:
    """Pixels that are neither background nor label/divider grey: the part itself."""
    bg = np.round(BACKGROUND * 255)
    far_from_bg = np.abs(img.astype(float) - bg).sum(-1) > 30
    bluish = img[..., 2].astype(int) - img[..., 0] > 15
    return far_from_bg & bluish


def test_three_views_side_by_side(tmp_path: Path) -> None:
    out = render_png(part_stl("plate4"), tmp_path / "p.png", size=(600, 200))
    img = read_png(out)
    assert img.shape == (200, 600, 3)
    for panel in np.split(img, 3, axis=1):
        mask = part_pixels(panel)
        assert mask.mean() > 0.05, "every view shows the part"
        assert not mask[:, :5].any() and not mask[:, -5:].any(), "part fits its panel"


def test_holes_show_through_in_the_top_view(tmp_path: Path) -> None:
    img = read_png(render_png(part_stl("plate4"), tmp_path / "t.png", views=("top",),
                              size=(300, 200), labels=False))
    mask = part_pixels(img)
    ys, xs = np.nonzero(mask)
    inner = mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    # plate is 60 x 40 with 4 holes of d=3.2: about 1.3% of its area is hole
    assert 0.005 < 1 - inner.mean() < 0.03
    # the hole centres (6 mm in from each corner) are background
    sy, sx = inner.shape[0] / 40, inner.shape[1] / 60
    for hx, hy in [(6, 6), (54, 6), (6, 34), (54, 34)]:
        assert not inner[int((40 - hy) * sy), int(hx * sx)]


def test_render_is_deterministic_and_views_differ(tmp_path: Path) -> None:
    a = render_png(part_stl("two_cubes"), tmp_path / "a.png", views=("front", "top"))
    b = render_png(part_stl("two_cubes"), tmp_path / "b.png", views=("front", "top"))
    assert a.read_bytes() == b.read_bytes()
    front, top = np.split(read_png(a), 2, axis=1)
    assert not np.array_equal(front, top)


def test_open_mesh_still_renders(tmp_path: Path) -> None:
    img = read_png(render_png(part_stl("open"), tmp_path / "o.png", views=("iso",),
                              size=(120, 100)))
    assert part_pixels(img).any()


def test_nothing_to_render_raises_a_clear_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.stl"
    empty.write_bytes(b"")
    with pytest.raises(ScadAgentError, match="nothing to render"):
        render_png(empty, tmp_path / "x.png")
    with pytest.raises(ScadAgentError, match="unknown view"):
        render_png(part_stl("cube"), tmp_path / "x.png", views=("sideways",))


def test_glb_loads_back_with_the_same_geometry(tmp_path: Path) -> None:
    out = export_glb(part_stl("plate4"), tmp_path / "p.glb")
    scene = trimesh.load(out)
    mesh = scene.to_geometry() if isinstance(scene, trimesh.Scene) else scene
    assert len(mesh.faces) == analyze_mesh(part_stl("plate4")).faces
    assert analyze_mesh(out).genus == 4


@pytest.mark.parametrize("fmt", ["3mf", "obj"])
def test_other_formats_keep_the_topology(tmp_path: Path, fmt: str) -> None:
    out = export_mesh(part_stl("plate4"), tmp_path / f"p.{fmt}", fmt)
    r = analyze_mesh(out)
    assert r.watertight and r.genus == 4 and r.extents == pytest.approx((60, 40, 5))


def test_unknown_export_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ScadAgentError, match="cannot export"):
        export_mesh(part_stl("cube"), tmp_path / "c.step", "step")
