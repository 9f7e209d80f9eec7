"""BCF 2.1 for work orders: a topic per work order, out as a zip and back in.

An archive holds ``bcf.version``, ``project.bcfp`` and one folder per topic
(named by the topic's GUID) with ``markup.bcf`` and ``viewpoint.bcfv``. A
work order becomes a topic as follows:

============================  =============================================
work order                    BCF 2.1
============================  =============================================
``id`` (32 hex digits)        ``Topic/@Guid`` (the same UUID, hyphenated)
``title``                     ``Title``
``status``                    ``@TopicStatus``: Open, In Progress, Closed
``assignee``                  ``AssignedTo``
``created_at``/``updated_at`` ``CreationDate``/``ModifiedDate`` (UTC)
``notes``                     one ``Comment`` each (date, author, text)
``device_id``/``alarm_id``/   ``Labels`` ``device:<id>``, ``alarm:<id>``,
``space_id``                  ``space:<GlobalId>``
``global_id``                 the viewpoint's selected ``Component/@IfcGuid``
============================  =============================================

The viewpoint's perspective camera stands :data:`CAMERA_OFFSET_M` from the
element (its centre, or the room's label point at eye height) and looks at
it, in the model's world coordinates (metres), which is the frame BCF uses.
The twin holds no pictures of its work orders, so archives carry no snapshot;
snapshots in imported archives are ignored.

**Schema check.** buildingSMART's XSDs are not shipped by any package we can
install here (the ``bcf-client`` wheel carries classes generated from them,
not the schemas) and the network has no copy, so :func:`check_markup` and
:func:`check_visinfo` check the rules of BCF 2.1's ``markup.xsd`` and
``visinfo.xsd`` explicitly: the root element, which children are allowed
and in which order, how often each may occur, required attributes, GUID and
IfcGuid patterns, ``xs:dateTime`` values and numbers. Every archive written
is checked before it is returned, and every archive read before it is used.

Over 400 lines: BCF 2.1's markup and viewpoint rules are written out here
(no XSD is installable), next to the writer and reader they check.
"""

from __future__ import annotations

import io
import math
import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ifc_models.constants import MAX_ZIP_RATIO
from spatial.records import Building
from twin.exchange.errors import BcfError
from twin.housing.plans.layout import label_anchor, label_polygon

if TYPE_CHECKING:
    from twin.devices.workorders import WorkOrder

BCF_VERSION = "2.1"
#: Camera offset from the element looked at, metres (east, south, up of it).
CAMERA_OFFSET_M = (-4.0, -4.0, 3.0)
#: Eye height above a room's floor when the camera looks at a room, metres.
EYE_HEIGHT_M = 1.5
FIELD_OF_VIEW_DEG = 60.0
#: Largest archive member and whole archive accepted, bytes (uncompressed).
MAX_MEMBER_BYTES = 16 * 1024**2
MAX_ARCHIVE_BYTES = 256 * 1024**2
MAX_TOPICS = 10_000
#: ``Topic/@TopicStatus`` of each work-order status, and what an import reads.
STATUS_OUT = {"open": "Open", "in_progress": "In Progress", "done": "Closed"}
STATUS_IN = {
    "open": "open",
    "reopened": "open",
    "active": "open",
    "new": "open",
    "in progress": "in_progress",
    "inprogress": "in_progress",
    "assigned": "in_progress",
    "closed": "done",
    "resolved": "done",
    "done": "done",
}
TOPIC_TYPE = "Work order"
ORIGINATING_SYSTEM = "bim-facility-twin"

GUID = re.compile(r"^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$")
IFC_GUID = re.compile(r"^[0-9A-Za-z_$]{22}$")
#: xs:dateTime (time zone optional, as the schema allows).
DATE_TIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")


@dataclass(frozen=True)
class Camera:
    """A perspective camera in world metres: where it stands, where it looks, which way is up."""

    position: tuple[float, float, float]
    direction: tuple[float, float, float]
    up: tuple[float, float, float]
    field_of_view_deg: float = FIELD_OF_VIEW_DEG


@dataclass(frozen=True)
class Comment:
    guid: str
    date: datetime
    author: str
    text: str


@dataclass(frozen=True)
class Topic:
    """One BCF topic as the twin reads and writes it (times UTC)."""

    guid: str
    title: str
    status: str
    creation_date: datetime
    creation_author: str
    modified_date: datetime | None = None
    assigned_to: str | None = None
    description: str | None = None
    labels: tuple[str, ...] = ()
    comments: tuple[Comment, ...] = ()
    selected: tuple[str, ...] = ()
    camera: Camera | None = None
    viewpoint_guid: str | None = None
    topic_type: str = TOPIC_TYPE


@dataclass(frozen=True)
class BcfArchive:
    """Topics of an archive with the project it names."""

    topics: tuple[Topic, ...]
    project_name: str = ""
    files: tuple[str, ...] = field(default_factory=tuple)


# --------------------------------------------------------------------------- work orders
def topic_guid(order_id: str) -> str:
    """The topic GUID of a work order id: the same UUID, hyphenated."""
    try:
        return str(uuid.UUID(hex=order_id))
    except ValueError:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"work-order:{order_id}"))


def order_id(topic: str) -> str:
    """The work-order id of a topic GUID (32 hex digits)."""
    return uuid.UUID(topic).hex


def camera_for(building: Building, global_id: str | None) -> Camera | None:
    """A camera looking at the element or room ``global_id``, or ``None`` if it has no place."""
    if not global_id:
        return None
    target: tuple[float, float, float] | None = None
    for item in building.equipment:
        if item.global_id == global_id and item.centre is not None:
            target = item.centre
    if target is None:
        try:
            space = building.space(global_id)
        except KeyError:
            space = None
        if space is not None and space.footprint is not None:
            x, y = label_anchor(label_polygon(space.footprint))
            target = (x, y, (space.floor_z_m or 0.0) + EYE_HEIGHT_M)
    if target is None:
        return None
    position = tuple(t + o for t, o in zip(target, CAMERA_OFFSET_M, strict=True))
    look = [t - p for t, p in zip(target, position, strict=True)]
    norm = math.sqrt(sum(v * v for v in look))
    direction = tuple(v / norm for v in look)
    # Up: world Z made perpendicular to the view direction.
    up = [-direction[2] * d for d in direction]
    up[2] += 1.0
    up_norm = math.sqrt(sum(v * v for v in up))
    return Camera(position, direction, tuple(v / up_norm for v in up))  # type: ignore[arg-type]


def topic_from_work_order(order: WorkOrder, building: Building | None) -> Topic:
    """The BCF topic of a work order (see the module's table)."""
    labels = [
        f"{kind}:{value}"
        for kind, value in (
            ("device", order.device_id),
            ("alarm", order.alarm_id),
            ("space", order.space_id),
        )
        if value
    ]
    guid = topic_guid(order.id)
    comments = tuple(
        Comment(str(uuid.uuid5(uuid.UUID(guid), f"note:{i}")), n.at, n.by, n.text)
        for i, n in enumerate(order.notes)
    )
    first_author = order.notes[0].by if order.notes else ORIGINATING_SYSTEM
    return Topic(
        guid=guid,
        title=order.title,
        status=STATUS_OUT[order.status],
        creation_date=order.created_at,
        creation_author=first_author,
        modified_date=order.updated_at,
        assigned_to=order.assignee,
        labels=tuple(labels),
        comments=comments,
        selected=(order.global_id,) if order.global_id else (),
        camera=camera_for(building, order.global_id or order.space_id) if building else None,
        viewpoint_guid=str(uuid.uuid5(uuid.UUID(guid), "viewpoint")),
    )


def work_order_fields(topic: Topic) -> dict[str, object]:
    """The work-order fields a topic carries (``id``, ``title``, ``status`` ...).

    Raises
    ------
    BcfError
        For a topic status the twin has no work-order status for.
    """
    status = STATUS_IN.get(topic.status.strip().casefold())
    if status is None:
        raise BcfError(
            f"topic {topic.guid}: status {topic.status!r} is none of "
            f"{', '.join(sorted(set(STATUS_OUT.values())))}"
        )
    labels = dict(label.split(":", 1) for label in topic.labels if ":" in label)
    return {
        "id": order_id(topic.guid),
        "title": topic.title,
        "status": status,
        "assignee": topic.assigned_to,
        "created_at": topic.creation_date,
        "updated_at": topic.modified_date or topic.creation_date,
        "device_id": labels.get("device"),
        "alarm_id": labels.get("alarm"),
        "space_id": labels.get("space"),
        "global_id": topic.selected[0] if topic.selected else None,
        "notes": tuple((c.date, c.author, c.text) for c in topic.comments),
    }


# --------------------------------------------------------------------------- writing
def _iso(value: datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _document(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def markup_xml(topic: Topic, files: Sequence[str] = ()) -> bytes:
    """``markup.bcf`` of one topic (BCF 2.1)."""
    root = ET.Element("Markup")
    if files:
        header = _sub(root, "Header")
        for name in files:
            entry = _sub(header, "File", isExternal="true")
            _sub(entry, "Filename", name)
    element = _sub(
        root, "Topic", Guid=topic.guid, TopicType=topic.topic_type, TopicStatus=topic.status
    )
    _sub(element, "Title", topic.title)
    for label in topic.labels:
        _sub(element, "Labels", label)
    _sub(element, "CreationDate", _iso(topic.creation_date))
    _sub(element, "CreationAuthor", topic.creation_author)
    if topic.modified_date is not None:
        _sub(element, "ModifiedDate", _iso(topic.modified_date))
        _sub(element, "ModifiedAuthor", topic.comments[-1].author if topic.comments else "")
    if topic.assigned_to:
        _sub(element, "AssignedTo", topic.assigned_to)
    if topic.description:
        _sub(element, "Description", topic.description)
    for comment in topic.comments:
        entry = _sub(root, "Comment", Guid=comment.guid)
        _sub(entry, "Date", _iso(comment.date))
        _sub(entry, "Author", comment.author)
        _sub(entry, "Comment", comment.text)
    if topic.viewpoint_guid:
        views = _sub(root, "Viewpoints", Guid=topic.viewpoint_guid)
        _sub(views, "Viewpoint", "viewpoint.bcfv")
    return _document(root)


def visinfo_xml(topic: Topic) -> bytes:
    """``viewpoint.bcfv`` of one topic: the selected element and the camera (BCF 2.1)."""
    root = ET.Element("VisualizationInfo", Guid=topic.viewpoint_guid or str(uuid.uuid4()))
    components = _sub(root, "Components")
    if topic.selected:
        selection = _sub(components, "Selection")
        for gid in topic.selected:
            component = _sub(selection, "Component", IfcGuid=gid)
            _sub(component, "OriginatingSystem", ORIGINATING_SYSTEM)
    _sub(components, "Visibility", DefaultVisibility="true")
    if topic.camera is not None:
        camera = _sub(root, "PerspectiveCamera")
        for tag, vector in (
            ("CameraViewPoint", topic.camera.position),
            ("CameraDirection", topic.camera.direction),
            ("CameraUpVector", topic.camera.up),
        ):
            node = _sub(camera, tag)
            for axis, value in zip("XYZ", vector, strict=True):
                _sub(node, axis, f"{value:.6f}")
        _sub(camera, "FieldOfView", f"{topic.camera.field_of_view_deg:g}")
    return _document(root)


def bcf_zip(
    topics: Sequence[Topic], *, project_name: str, project_id: str, files: Sequence[str] = ()
) -> bytes:
    """A BCF 2.1 archive of ``topics`` (zip bytes), each markup checked against the schema.

    Raises
    ------
    BcfError
        When a written document breaks the schema's rules (a bug, not bad input).
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        version = ET.Element("Version", VersionId=BCF_VERSION)
        _sub(version, "DetailedVersion", BCF_VERSION)
        archive.writestr("bcf.version", _document(version))
        project = ET.Element("ProjectExtension")
        _sub(_sub(project, "Project", ProjectId=project_id), "Name", project_name)
        _sub(project, "ExtensionSchema", "")
        archive.writestr("project.bcfp", _document(project))
        for topic in topics:
            markup, view = markup_xml(topic, files), visinfo_xml(topic)
            problems = check_markup(ET.fromstring(markup)) + check_visinfo(ET.fromstring(view))
            if problems:
                raise BcfError(f"topic {topic.guid} breaks BCF 2.1: {problems[0]}", tuple(problems))
            archive.writestr(f"{topic.guid}/markup.bcf", markup)
            archive.writestr(f"{topic.guid}/viewpoint.bcfv", view)
    return out.getvalue()


def work_orders_bcf(
    orders: Sequence[WorkOrder], building: Building | None, *, project_name: str, project_id: str
) -> bytes:
    """A BCF 2.1 archive with a topic per work order."""
    files = [s.name for s in building.sources] if building is not None else []
    topics = [topic_from_work_order(order, building) for order in orders]
    return bcf_zip(topics, project_name=project_name, project_id=project_id, files=files)


# --------------------------------------------------------------------------- schema rules
#: Children allowed under an element, in order: (tag, min, max); max None = unbounded.
Rule = tuple[tuple[str, int, int | None], ...]
MARKUP_RULES: Mapping[str, Rule] = {
    "Markup": (("Header", 0, 1), ("Topic", 1, 1), ("Comment", 0, None), ("Viewpoints", 0, None)),
    "Header": (("File", 1, None),),
    "File": (("Filename", 0, 1), ("Date", 0, 1), ("Reference", 0, 1)),
    "Topic": (
        ("ReferenceLink", 0, None), ("Title", 1, 1), ("Priority", 0, 1), ("Index", 0, 1),
        ("Labels", 0, None), ("CreationDate", 1, 1), ("CreationAuthor", 1, 1),
        ("ModifiedDate", 0, 1), ("ModifiedAuthor", 0, 1), ("DueDate", 0, 1),
        ("AssignedTo", 0, 1), ("Stage", 0, 1), ("Description", 0, 1), ("BimSnippet", 0, 1),
        ("DocumentReference", 0, None), ("RelatedTopic", 0, None),
    ),
    "Comment": (
        ("Date", 1, 1), ("Author", 1, 1), ("Comment", 1, 1), ("Viewpoint", 0, 1),
        ("ModifiedDate", 0, 1), ("ModifiedAuthor", 0, 1),
    ),
    "Viewpoints": (("Viewpoint", 0, 1), ("Snapshot", 0, 1), ("Index", 0, 1)),
}  # fmt: skip
VISINFO_RULES: Mapping[str, Rule] = {
    "VisualizationInfo": (
        ("Components", 0, 1), ("OrthogonalCamera", 0, 1), ("PerspectiveCamera", 0, 1),
        ("Lines", 0, 1), ("ClippingPlanes", 0, 1), ("Bitmap", 0, None),
    ),
    "Components": (
        ("ViewSetupHints", 0, 1), ("Selection", 0, 1), ("Visibility", 1, 1), ("Coloring", 0, 1),
    ),
    "Selection": (("Component", 0, None),),
    "Component": (("OriginatingSystem", 0, 1), ("AuthoringToolId", 0, 1)),
    "Visibility": (("Exceptions", 0, 1),),
    "Exceptions": (("Component", 0, None),),
    "PerspectiveCamera": (
        ("CameraViewPoint", 1, 1), ("CameraDirection", 1, 1), ("CameraUpVector", 1, 1),
        ("FieldOfView", 1, 1),
    ),
    "OrthogonalCamera": (
        ("CameraViewPoint", 1, 1), ("CameraDirection", 1, 1), ("CameraUpVector", 1, 1),
        ("ViewToWorldScale", 1, 1),
    ),
    "CameraViewPoint": (("X", 1, 1), ("Y", 1, 1), ("Z", 1, 1)),
    "CameraDirection": (("X", 1, 1), ("Y", 1, 1), ("Z", 1, 1)),
    "CameraUpVector": (("X", 1, 1), ("Y", 1, 1), ("Z", 1, 1)),
}  # fmt: skip
#: Required attributes and the pattern each must match, by element path from the root.
MARKUP_ATTRIBUTES: Mapping[str, Mapping[str, re.Pattern[str]]] = {
    "Topic": {"Guid": GUID},
    "Comment": {"Guid": GUID},
    "Comment/Viewpoint": {"Guid": GUID},
    "Viewpoints": {"Guid": GUID},
    "Topic/RelatedTopic": {"Guid": GUID},
}
VISINFO_ATTRIBUTES: Mapping[str, Mapping[str, re.Pattern[str]]] = {
    ".": {"Guid": GUID},
}
DATE_ELEMENTS = frozenset({"CreationDate", "ModifiedDate", "DueDate", "Date"})
NUMBER_ELEMENTS = frozenset({"X", "Y", "Z", "FieldOfView", "ViewToWorldScale"})


def _check_children(element: ET.Element, rules: Mapping[str, Rule], path: str) -> list[str]:
    """Children of ``element`` against its rule (order and counts), recursively."""
    problems: list[str] = []
    rule = rules.get(element.tag)
    children = list(element)
    if rule is None:
        return problems
    allowed = [tag for tag, _, _ in rule]
    position = 0
    counts: dict[str, int] = {}
    for child in children:
        if child.tag not in allowed:
            problems.append(f"{path}: unexpected element <{child.tag}>")
            continue
        index = allowed.index(child.tag)
        if index < position:
            problems.append(f"{path}: <{child.tag}> out of order")
        position = max(position, index)
        counts[child.tag] = counts.get(child.tag, 0) + 1
    for tag, low, high in rule:
        count = counts.get(tag, 0)
        if count < low:
            problems.append(f"{path}: <{tag}> missing")
        if high is not None and count > high:
            problems.append(f"{path}: <{tag}> at most {high}, found {count}")
    for child in children:
        # <Comment> inside <Comment> is the text element, not another comment.
        if not (child.tag == "Comment" and element.tag == "Comment"):
            problems += _check_children(child, rules, f"{path}/{child.tag}")
    return problems


def _check_values(
    root: ET.Element, attributes: Mapping[str, Mapping[str, re.Pattern[str]]]
) -> list[str]:
    problems = []
    for path, required in attributes.items():
        for element in root.findall(path):
            for name, pattern in required.items():
                value = element.get(name)
                if value is None:
                    problems.append(f"<{element.tag}> lacks the required attribute {name}")
                elif not pattern.match(value):
                    problems.append(f"<{element.tag} {name}={value!r}> is not a GUID")
    for element in root.iter():
        if element.tag in DATE_ELEMENTS and not DATE_TIME.match((element.text or "").strip()):
            problems.append(f"<{element.tag}> {element.text!r} is not an xs:dateTime")
        if element.tag in NUMBER_ELEMENTS:
            try:
                float((element.text or "").strip())
            except ValueError:
                problems.append(f"<{element.tag}> {element.text!r} is not a number")
    return problems


def check_markup(root: ET.Element) -> list[str]:
    """Where ``markup.bcf`` breaks BCF 2.1's ``markup.xsd`` (empty: it conforms)."""
    if root.tag != "Markup":
        return [f"root element is <{root.tag}>, not <Markup>"]
    problems = _check_children(root, MARKUP_RULES, "Markup")
    problems += _check_values(root, MARKUP_ATTRIBUTES)
    topic = root.find("Topic")
    if topic is not None and (topic.findtext("Title") or "").strip() == "":
        problems.append("Markup/Topic: <Title> is empty")
    return problems


def check_visinfo(root: ET.Element) -> list[str]:
    """Where ``viewpoint.bcfv`` breaks BCF 2.1's ``visinfo.xsd`` (empty: it conforms)."""
    if root.tag != "VisualizationInfo":
        return [f"root element is <{root.tag}>, not <VisualizationInfo>"]
    problems = _check_children(root, VISINFO_RULES, "VisualizationInfo")
    problems += _check_values(root, VISINFO_ATTRIBUTES)
    for component in root.iter("Component"):
        gid = component.get("IfcGuid")
        if gid is not None and not IFC_GUID.match(gid):
            problems.append(f"<Component IfcGuid={gid!r}> is not an IFC GlobalId")
    fov = root.findtext("PerspectiveCamera/FieldOfView")
    if fov is not None:
        try:
            if not 1.0 <= float(fov) <= 170.0:
                problems.append(f"<FieldOfView> {fov} outside 1..170")
        except ValueError:
            pass  # reported as not a number
    return problems


# --------------------------------------------------------------------------- reading
def _parse(archive: zipfile.ZipFile, name: str) -> ET.Element:
    try:
        return ET.fromstring(archive.read(name))
    except ET.ParseError as exc:
        raise BcfError(f"{name}: not XML ({exc})", (f"{name}: {exc}",)) from exc


def _date(text: str | None) -> datetime | None:
    if not text:
        return None
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _vector(node: ET.Element | None) -> tuple[float, float, float] | None:
    if node is None:
        return None
    return tuple(float(node.findtext(axis) or "nan") for axis in "XYZ")  # type: ignore[return-value]


def read_bcf(data: bytes) -> BcfArchive:
    """The topics of a BCF 2.1 (or 2.0) archive, after checking every markup and viewpoint.

    Raises
    ------
    BcfError
        Not a zip, too large, no ``bcf.version``, an unsupported version, or
        a markup or viewpoint that breaks the schema; ``problems`` lists all.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise BcfError(f"not a BCF archive (not a zip: {exc})") from exc
    with archive:
        members = archive.infolist()
        total = sum(m.file_size for m in members)
        for member in members:
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > MAX_MEMBER_BYTES or ratio > MAX_ZIP_RATIO:
                raise BcfError(f"{member.filename}: {member.file_size:,} bytes refused")
        if total > MAX_ARCHIVE_BYTES:
            raise BcfError(f"archive inflates to {total:,} bytes, above {MAX_ARCHIVE_BYTES:,}")
        names = {m.filename for m in members}
        if "bcf.version" not in names:
            raise BcfError("not a BCF archive: no bcf.version")
        version = _parse(archive, "bcf.version").get("VersionId", "")
        if not version.startswith("2."):
            raise BcfError(f"BCF {version or '?'} archives are not read; write BCF 2.1")
        project_name = ""
        if "project.bcfp" in names:
            project_name = _parse(archive, "project.bcfp").findtext("Project/Name") or ""
        markups = sorted(n for n in names if n.count("/") == 1 and n.endswith("/markup.bcf"))
        if len(markups) > MAX_TOPICS:
            raise BcfError(f"{len(markups)} topics; at most {MAX_TOPICS:,} are read at once")
        topics: list[Topic] = []
        problems: list[str] = []
        files: list[str] = []
        for name in markups:
            folder = name.rsplit("/", 1)[0]
            root = _parse(archive, name)
            found = [f"{name}: {p}" for p in check_markup(root)]
            view_name = None
            views = root.find("Viewpoints")
            if views is not None:
                view_name = f"{folder}/{views.findtext('Viewpoint') or 'viewpoint.bcfv'}"
            elif f"{folder}/viewpoint.bcfv" in names:
                view_name = f"{folder}/viewpoint.bcfv"
            view = None
            if view_name is not None and view_name in names:
                view = _parse(archive, view_name)
                found += [f"{view_name}: {p}" for p in check_visinfo(view)]
            if found:
                problems += found
                continue
            files += [f.text or "" for f in root.iterfind("Header/File/Filename")]
            topics.append(_topic(root, view, views))
        if problems:
            raise BcfError(
                f"{len(problems)} schema problem(s) in the BCF archive: {problems[0]}",
                tuple(problems),
            )
    return BcfArchive(tuple(topics), project_name, tuple(dict.fromkeys(files)))


def _topic(root: ET.Element, view: ET.Element | None, views: ET.Element | None) -> Topic:
    element = root.find("Topic")
    assert element is not None  # checked by check_markup
    comments = tuple(
        Comment(
            c.get("Guid", ""),
            _date(c.findtext("Date")) or datetime.now(UTC),
            c.findtext("Author") or "",
            c.findtext("Comment") or "",
        )
        for c in root.iterfind("Comment")
    )
    selected: tuple[str, ...] = ()
    camera = None
    if view is not None:
        selected = tuple(
            c.get("IfcGuid", "")
            for c in view.iterfind("Components/Selection/Component")
            if c.get("IfcGuid")
        )
        perspective = view.find("PerspectiveCamera")
        if perspective is not None:
            position = _vector(perspective.find("CameraViewPoint"))
            direction = _vector(perspective.find("CameraDirection"))
            up = _vector(perspective.find("CameraUpVector"))
            if position and direction and up:
                fov = float(perspective.findtext("FieldOfView") or FIELD_OF_VIEW_DEG)
                camera = Camera(position, direction, up, fov)
    created = _date(element.findtext("CreationDate"))
    assert created is not None  # checked by check_markup
    return Topic(
        guid=element.get("Guid", "").lower(),
        title=(element.findtext("Title") or "").strip(),
        status=element.get("TopicStatus") or "Open",
        creation_date=created,
        creation_author=element.findtext("CreationAuthor") or "",
        modified_date=_date(element.findtext("ModifiedDate")),
        assigned_to=element.findtext("AssignedTo") or None,
        description=element.findtext("Description") or None,
        labels=tuple(label.text or "" for label in element.iterfind("Labels")),
        comments=comments,
        selected=selected,
        camera=camera,
        viewpoint_guid=views.get("Guid") if views is not None else None,
        topic_type=element.get("TopicType") or "",
    )
