"""Tiny real images built byte by byte, so avatar tests need no imaging library."""

from __future__ import annotations

import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def tiny_png(rgb: tuple[int, int, int] = (255, 0, 0)) -> bytes:
    """A valid 1x1 truecolour PNG of one colour."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    scanline = b"\x00" + bytes(rgb)  # filter type 0, then the pixel
    return (
        PNG_SIGNATURE
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(scanline))
        + _png_chunk(b"IEND", b"")
    )


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def tiny_jpeg(comment: bytes = b"") -> bytes:
    """A valid baseline JPEG: one 8x8 mid-grey block. Both Huffman tables hold one code ("0"),
    so the block (DC difference 0, then end-of-block) is the bits 00, padded with ones."""
    single_code = bytes([1] + [0] * 15) + b"\x00"  # one code of length 1, for symbol 0
    return (
        b"\xff\xd8"  # start of image
        + (_segment(0xFE, comment) if comment else b"")
        + _segment(0xDB, b"\x00" + bytes([1] * 64))  # quantisation table 0: all ones
        + _segment(0xC0, struct.pack(">BHHB", 8, 8, 8, 1) + b"\x01\x11\x00")  # 8x8, grey
        + _segment(0xC4, b"\x00" + single_code)  # DC table 0
        + _segment(0xC4, b"\x10" + single_code)  # AC table 0
        + _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")  # one component, tables 0/0
        + b"\x3f"  # 0 (DC category 0), 0 (EOB), 111111 padding
        + b"\xff\xd9"  # end of image
    )
