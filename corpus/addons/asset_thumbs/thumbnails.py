"""Thumbnail transfer for the asset library (plain Python, no bpy).

The library server is not reachable from the studio farm, so the library
ships a catalog and the thumbnails are rendered from it as small PNG files.
"""

import struct
import time
import zlib

THUMB_SIZE = 32
CHUNK_DELAY = 0.01  # transfer time per chunk


def _png_chunk(tag, payload):
    crc = zlib.crc32(tag + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + tag + payload + struct.pack(">I", crc)


def render_png(color, size=THUMB_SIZE):
    """A shaded square of ``color`` (r, g, b in 0..255) encoded as PNG."""
    rows = []
    for y in range(size):
        shade = 0.6 + 0.4 * (1.0 - y / (size - 1))
        row = bytearray(b"\x00")  # filter type: none
        for x in range(size):
            border = x in (0, size - 1) or y in (0, size - 1)
            for channel in color:
                row.append(40 if border else min(255, int(channel * shade)))
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n"
            + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(b"".join(rows)))
            + _png_chunk(b"IEND", b""))


def download(asset, path, chunks=4):
    """Write the asset's thumbnail to ``path`` in a few chunks."""
    data = render_png(asset["color"])
    step = max(1, len(data) // chunks)
    with open(path, "wb") as handle:
        for start in range(0, len(data), step):
            handle.write(data[start:start + step])
            time.sleep(CHUNK_DELAY)
    return path
