"""Tolerances of the spatial package, in one place.

Every geometric or numeric tolerance the pure geometry compares against lives
here, with its unit and the reason for its value, the way
``trimesh.constants`` does it. Modules import the names they use (and keep
them importable under their old module, e.g. ``spatial.walkable.CLEARANCE_M``).
Model parameters that are not tolerances (walking speeds, lift waits) stay
with the model that uses them (:mod:`spatial.navgraph`).
"""

from __future__ import annotations

# --- Footprints (spatial.footprint)

#: Projected triangles smaller than this (m²) are vertical faces seen edge-on.
MIN_TRIANGLE_AREA_M2 = 1e-8
#: Holes and parts smaller than this (m²) are modelling noise, not rooms.
MIN_PART_AREA_M2 = 1e-3

# --- Doors to rooms (spatial.doors)

#: How far (metres) a door's plan outline is grown to reach the room faces.
#: Covers plaster and finish layers that authoring tools leave between the
#: door leaf and the room boundary.
DOOR_REACH_M = 0.08
#: The least overlap (m²) that counts as touching a room: 5 cm deep over a
#: 10 cm run, far below any real door.
MIN_DOOR_OVERLAP_M2 = 0.005

# --- Locating points in rooms (spatial.locate)

#: A point this close (metres) to a room but outside it still belongs to it:
#: radiators and sockets sit in the wall zone, their centre a few cm beyond
#: the room's inner face.
NEAREST_MAX_M = 0.5

# --- Doorless openings (spatial.openings)

#: Thinnest wall we expect between two rooms (m): a stud partition.
MIN_WALL_THICKNESS_M = 0.05
#: Footprints closer than this (m) along an edge touch: no wall fits between.
TOUCH_GAP_M = 0.03
#: The narrowest opening (m) a person walks through: a shared edge shorter
#: than this is a corner contact, not a passage.
MIN_OPEN_WIDTH_M = 0.8
#: Two rooms' floors within this height (m) are on the same level; rooms of
#: one storey stacked above each other (split-level models) do not connect.
SAME_LEVEL_M = 0.5
#: Two virtual boundary segments within this distance (m) lie on each other.
BOUNDARY_MATCH_M = 0.1

# --- Walking inside a room (spatial.walkable)

#: How far (m) walks keep off walls: half a shoulder width.
CLEARANCE_M = 0.3
#: Smaller clearances (m) tried in turn for rooms too narrow for the full one.
FALLBACK_CLEARANCES_M = (0.15, 0.05)
#: Visibility is tested against the walk area grown by this much (m), so
#: that segments running along its edge or through its corners count.
VISIBILITY_EPS_M = 1e-6
#: Footprint vertices closer than this (m) are merged before corners are found.
SIMPLIFY_M = 0.02

# --- Areas (spatial.areas)

#: Two areas agree when they differ by at most this fraction.
AREA_AGREEMENT = 0.03

# --- Vertical links in the navigation graph (spatial.navgraph)

#: A link serves a room on a storey when their footprints overlap this much (m²),
#: or when the room is within this distance (m) of the link.
LINK_MIN_OVERLAP_M2 = 0.25
LINK_REACH_M = 1.0
#: Stair or lift rooms of consecutive storeys are one shaft when their
#: footprints overlap by this share of the smaller one.
SHAFT_MIN_OVERLAP = 0.3

# --- Routing (spatial.routing)

#: csgraph drops zero weights from sparse matrices: free edges (the step from
#: an exterior door to ``outside``) cost this many seconds instead.
FREE_EDGE_S = 1e-6
#: Consecutive polyline points closer than this (m) are one point.
POINT_MERGE_M = 1e-6

# --- Maintenance rounds (spatial.rounds)

#: 2-opt stops after this many passes, or when no move shortens the round by
#: more than this many seconds.
TWO_OPT_MAX_PASSES = 50
TWO_OPT_MIN_GAIN_S = 1e-6
