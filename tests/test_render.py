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
from tools.render import (
    ANNOTATION_COLOUR,
    BACKGROUND,
    LABEL_COLOUR,
    _text_mask,
    dimension_caption,
    export_glb,
    export_mesh,
    render_png,
    scale_bar_length,
)


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
    label = (img == np.round(LABEL_COLOUR * 255)).all(-1)
    return far_from_bg & bluish & ~label


def annotation_pixels(img: np.ndarray) -> np.ndarray:
    return (img == np.round(ANNOTATION_COLOUR * 255)).all(-1)


def find_text(mask: np.ndarray, text: str, px: int, *, upright: bool = False
              ) -> list[tuple[int, int, int, int]]:
    """(top, left, bottom, right) of every place where `text` is drawn cleanly: the glyphs'
    pixels are annotation-coloured and no other annotation pixel is inside the box (a label
    crossed by a line or another label does not count). upright: turned to read upwards."""
    pattern = _text_mask(text, px)
    if upright:
        pattern = np.rot90(pattern)
    h, w = pattern.shape
    dy, dx = np.argwhere(pattern)[0]
    hits = []
    for y, x in np.argwhere(mask):
        top, left = y - dy, x - dx
        if top < 0 or left < 0 or top + h > mask.shape[0] or left + w > mask.shape[1]:
            continue
        if np.array_equal(mask[top : top + h, left : left + w], pattern):
            hits.append((int(top), int(left), int(top + h), int(left + w)))
    return hits


def part_box(mask: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(mask)
    return int(ys.min()), int(xs.min()), int(ys.max()) + 1, int(xs.max()) + 1


@pytest.mark.parametrize(("name", "extents", "caption", "labels"), [
    ("plate4", (60, 40, 5), "60.0 x 40.0 x 5.0 mm",
     {"front": ("X 60.0 mm", "Z 5.0 mm"), "top": ("X 60.0 mm", "Y 40.0 mm"),
      "right": ("Y 40.0 mm", "Z 5.0 mm")}),
    ("l_bracket", (40, 50, 30), "40.0 x 50.0 x 30.0 mm",
     {"front": ("X 40.0 mm", "Z 30.0 mm"), "top": ("X 40.0 mm", "Y 50.0 mm"),
      "right": ("Y 50.0 mm", "Z 30.0 mm")}),
])
def test_views_carry_the_part_dimensions_and_a_scale_bar(
        tmp_path: Path, name: str, extents: tuple[float, float, float], caption: str,
        labels: dict[str, tuple[str, str]]) -> None:
    views = ("iso", "front", "top", "right")
    img = read_png(render_png(part_stl(name), tmp_path / "p.png", views=views,
                              size=(960, 480)))
    marks = annotation_pixels(img)
    part = part_pixels(img)
    # the strip under the views starts with a faint line across the whole image
    divider = np.abs(img.astype(float) - np.round(BACKGROUND * 0.9 * 255)).max(-1) <= 1
    [panel_bottom] = np.flatnonzero(divider.all(1))
    footer = marks.copy()
    footer[:panel_bottom] = False
    # the part's size once, in the strip under the views
    assert len(find_text(footer, caption, 2)) == 1
    lengths: list[tuple[int, float]] = []  # (pixels, mm) of each view's width and height
    for view, left, right in zip(views, (0, 240, 480, 720), (240, 480, 720, 960),
                                 strict=True):
        own = np.zeros_like(marks)
        own[:panel_bottom, left:right] = marks[:panel_bottom, left:right]
        top, x0, bottom, x1 = part_box(part[:, left:right])
        if view == "iso":
            assert not own.any(), "no lengths on the pictorial view"
            continue
        along, up = labels[view]
        [under] = find_text(own, along, 2)
        assert under[0] > bottom, f"{along} under the {view} view's part"
        assert x0 <= (under[1] + under[3]) / 2 - left <= x1
        [beside] = find_text(own, up, 2, upright=True)
        assert beside[3] - left < x0, f"{up} left of the {view} view's part"
        assert beside[2] <= bottom + 1
        lengths += [(x1 - x0, extents["XYZ".index(along[0])]),
                    (bottom - top, extents["XYZ".index(up[0])])]
    # one scale for every axis-aligned view: a length is the same number of pixels in each
    scale = float(np.median([pixels / mm for pixels, mm in lengths]))
    for pixels, mm in lengths:
        assert abs(pixels - mm * scale) <= 2
    # the scale bar: a round length, labelled, drawn at that scale
    found = [(length, hit) for length in (1, 2, 5, 10, 20, 50, 100, 200)
             for hit in find_text(footer, f"{length} mm", 2)]
    assert len(found) == 1
    length, label = found[0]
    row = footer[(label[0] + label[2]) // 2, label[3]:]
    bar = np.flatnonzero(row)
    drawn = bar.max() - bar.min() + 1
    assert abs(drawn - length * scale) <= 2
    assert length * scale <= 0.3 * img.shape[1] < 2.5 * length * scale  # the roundest fit


def test_small_previews_keep_legible_dimensions(tmp_path: Path) -> None:
    img = read_png(render_png(part_stl("plate4"), tmp_path / "s.png", size=(600, 200)))
    marks = annotation_pixels(img)
    assert len(find_text(marks, "X 60.0 mm", 1)) == 2  # front and top
    assert len(find_text(marks, "Y 40.0 mm", 1, upright=True)) == 1
    assert len(find_text(marks, "60.0 x 40.0 x 5.0 mm", 1)) == 1


def test_no_annotations_without_labels(tmp_path: Path) -> None:
    img = read_png(render_png(part_stl("plate4"), tmp_path / "n.png", size=(480, 360),
                              views=("iso", "top"), labels=False))
    assert img.shape == (360, 480, 3)
    assert not annotation_pixels(img).any()


def test_dimension_caption() -> None:
    assert dimension_caption((60, 40, 5)) == "60.0 x 40.0 x 5.0 mm"
    assert dimension_caption(np.array([0.04, 1234.56, 7.25])) == "0.0 x 1234.6 x 7.2 mm"
    for bad in [(60, 40), (1, 2, 3, 4), (1, float("nan"), 2), (1, -2, 3), ("1", 2, 3),
                (True, 2, 3), None, (1, float("inf"), 2)]:
        with pytest.raises((ValueError, TypeError)):
            dimension_caption(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(("longest", "length"), [
    (137.0, 100.0), (99.9, 50.0), (50.0, 50.0), (19.99, 10.0), (4.0, 2.0), (0.37, 0.2),
    (2500.0, 2000.0)])
def test_scale_bar_lengths_are_round(longest: float, length: float) -> None:
    assert scale_bar_length(longest) == pytest.approx(length)


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
