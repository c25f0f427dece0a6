import io

import numpy as np
import PIL.Image

from helpers.widgets._figure import FigureImage

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _pixels(fi):
    return np.asarray(fi.fig.canvas.buffer_rgba()).copy()


def test_plain_refresh_sends_a_png_of_the_figure():
    fi = FigureImage(figsize=(3, 2), dpi=50)
    ax = fi.fig.add_subplot()
    ax.plot([0, 1], [0, 1])
    fi.refresh()
    assert bytes(fi.image.value).startswith(PNG_MAGIC)
    assert fi.last_render_ms > 0


def test_blitted_refresh_equals_a_full_draw():
    fi = FigureImage(figsize=(3, 2), dpi=50)
    ax = fi.fig.add_subplot()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    (line,) = ax.plot([0, 1], [0, 1])
    fi.dynamic = [line]
    fi.refresh()                      # draws and caches the background
    line.set_ydata([1, 0])
    fi.refresh()                      # blits the moved line only
    blitted = _pixels(fi)
    fi.refresh(full=True)             # everything drawn again
    np.testing.assert_array_equal(blitted, _pixels(fi))


def test_each_key_keeps_its_own_background():
    fi = FigureImage(figsize=(3, 2), dpi=50)
    ax = fi.fig.add_subplot()
    (line,) = ax.plot([0, 1], [0, 1])
    fi.dynamic = [line]
    fi.refresh(key="a")
    ax.set_facecolor("black")
    fi.refresh(key="b")
    assert set(fi._backgrounds) == {"a", "b"}
    fi.refresh(key="a")               # restores a's (white) background, not b's
    assert _pixels(fi)[10, 60, 0] > 200


def test_old_backgrounds_are_forgotten():
    fi = FigureImage(figsize=(2, 2), dpi=30, max_backgrounds=3)
    (line,) = fi.fig.add_subplot().plot([0, 1], [0, 1])
    fi.dynamic = [line]
    for key in range(5):
        fi.refresh(key=key)
    assert list(fi._backgrounds) == [2, 3, 4]


def test_keyed_artists_are_drawn_over_a_base_drawn_once_and_look_like_a_full_draw():
    fi = FigureImage(figsize=(3, 2), dpi=50)
    ax = fi.fig.add_subplot()
    (line,) = ax.plot([0, 1], [0, 1])
    fi.dynamic, fi.keyed = [line], [ax.xaxis, ax.yaxis, *ax.spines.values()]
    fi.refresh(key=(0, 1))
    base = fi._base
    ax.set_xlim(0, 2)
    fi.refresh(key=(0, 2))            # a new key: only the keyed artists over the base
    assert fi._base is base
    layered = _pixels(fi)
    for artist in fi.keyed:
        artist.set_animated(False)
    fi.keyed = []
    fi.refresh(key="plain", full=True)
    np.testing.assert_array_equal(layered, _pixels(fi))


def test_the_png_is_the_canvas_pixel_for_pixel():
    fi = FigureImage(figsize=(3, 2), dpi=50)
    fi.fig.add_subplot().plot([0, 1], [0, 1])
    fi.refresh()
    sent = np.asarray(PIL.Image.open(io.BytesIO(fi.image.value)))
    np.testing.assert_array_equal(sent, _pixels(fi))
