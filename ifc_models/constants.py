"""Tolerances and limits of the IFC reader, in one place.

Every number the reader compares against lives here with its unit and the
reason for its value, the way ``trimesh.constants`` does it. Modules import
the names they use; change a value here and every reader follows.
"""

from __future__ import annotations

#: Storeys of two files within this height (metres) are the same storey, when
#: their names differ: exporters round elevations, and an MEP model's levels
#: are often typed in by hand a few centimetres off the architect's.
STOREY_MATCH_M = 0.2

#: A vertical link serves a storey whose floor lies within its height range
#: widened by this much (metres): a flight's last riser stops a tread short.
LINK_STOREY_TOLERANCE_M = 0.3

#: How far into a file the STEP header must appear, in bytes.
HEADER_SNIFF_BYTES = 1024

#: How much of a file's tail may follow ``END-ISO-10303-21;`` (blank lines,
#: signatures), in bytes.
TRAILER_SNIFF_BYTES = 4096

#: The most an ``.ifczip`` may inflate to, all members together (bytes), and
#: the largest compression ratio of any member, so a zip bomb is refused
#: before it is inflated. STEP text compresses about 10:1; 200:1 is a bomb.
MAX_UNZIPPED_BYTES = 2 * 1024**3
MAX_ZIP_RATIO = 200
#: The most members an ``.ifczip`` may list: exporters write one model and
#: perhaps a readme; thousands of entries are a bomb of another kind (each
#: costs a directory record to read).
MAX_ZIP_MEMBERS = 64
#: Bytes read at a time when inflating an archive member.
INFLATE_CHUNK_BYTES = 1024 * 1024
