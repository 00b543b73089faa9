"""Reading roster files as people save them: bytes to text, text to rows, headers to fields.

Spreadsheets save CSV in many ways (Excel on Windows writes cp1252, European locales use
semicolons, Action Network names its columns its own way), and the people uploading are
organizers, not data clerks: we read what they have and say plainly what we could not read.
Nothing here touches the database.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.formats import number_format
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _

from members.phones import phone_normalize

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django_stubs_ext import StrOrPromise

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
BOM = "\ufeff"

# Our fields, in the order the mapping form shows them.
FIELDS: "dict[str, StrOrPromise]" = {
    "full_name": gettext_lazy("Full name"),
    "given_name": gettext_lazy("Given name"),
    "family_name": gettext_lazy("Family name"),
    "preferred_name": gettext_lazy("Preferred name"),
    "email": gettext_lazy("Email"),
    "phone": gettext_lazy("Phone"),
    "unit": gettext_lazy("Unit path (Site/Unit/…)"),
    "title": gettext_lazy("Job title or apartment"),
    "shift": gettext_lazy("Shift"),
    "leader": gettext_lazy("Leader (yes/no)"),
    "tags": gettext_lazy("Tags"),
    "language": gettext_lazy("Language"),
    "do_not_contact": gettext_lazy("Do not contact (yes/no)"),
    "notes": gettext_lazy("Notes"),
}

# Header spellings we recognise, after header_key(): lower case, words joined by one space.
# The first names are our own export's columns, so an export re-imports without mapping.
HEADER_NAMES: dict[str, list[str]] = {
    "full_name": [
        "name",
        "full name",
        "fullname",
        "person",
        "contact",
        "worker",
        "tenant",
        "nombre completo",
    ],
    "given_name": ["given name", "first name", "firstname", "first", "forename", "nombre"],
    "family_name": [
        "family name",
        "last name",
        "lastname",
        "surname",
        "last",
        "apellido",
        "apellidos",
    ],
    "preferred_name": ["preferred name", "nickname", "goes by", "nombre preferido", "apodo"],
    "email": [
        "email",
        "e mail",
        "email address",
        "e mail address",
        "mail",
        "primary email",
        "correo",
        "correo electronico",
    ],
    "phone": [
        "phone",
        "can2 phone",
        "mobile",
        "mobile phone",
        "mobile number",
        "cell",
        "cell phone",
        "cellphone",
        "phone number",
        "telephone",
        "tel",
        "primary phone",
        "telefono",
        "celular",
    ],
    "unit": [
        "unit path",
        "unit",
        "department",
        "dept",
        "work area",
        "section",
        "location",
        "unidad",
        "departamento",
        "area",
    ],
    "title": [
        "title",
        "job title",
        "apartment",
        "apt",
        "apt number",
        "apartment number",
        "job",
        "position",
        "classification",
        "puesto",
        "apartamento",
    ],
    "shift": ["shift", "schedule", "turno"],
    "leader": ["leader", "is leader", "natural leader", "organic leader", "lider"],
    "tags": ["tags", "tag", "labels", "etiquetas", "etiqueta"],
    "language": ["language", "preferred language", "lang", "idioma"],
    "do_not_contact": ["do not contact", "dnc", "no contactar"],
    "notes": ["notes", "note", "comments", "comment", "notas", "nota", "comentarios"],
}

# Our export's columns: the same names the import recognises first.
EXPORT_COLUMNS = [
    "given_name", "family_name", "preferred_name", "email", "phone", "unit_path", "title",
    "shift", "leader", "assessment", "organizer_email", "tags", "do_not_contact",
]  # fmt: skip

YES = {"yes", "y", "1", "true", "t", "x", "si", "sí", "✓"}
NO = {"no", "n", "0", "false", "f", ""}
# Cells a spreadsheet would run as a formula; our export prefixes them with "'".
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PHONE_LIKE = re.compile(r"[\d\s().+-]{7,}")


@dataclass(frozen=True)
class DecodedFile:
    text: str
    encoding: str
    delimiter: str
    header: list[str]
    row_count: int


def header_key(name: str) -> str:
    """ "E-mail Address", "Teléfono", "can2_phone" → "e mail address", "telefono", "can2 phone"."""
    plain = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


def _fmt(number: int) -> str:
    return number_format(number, force_grouping=True)


def decode_upload(data: bytes) -> DecodedFile:
    """The file as text with its header and row count, or ValidationError saying what is wrong
    in words an organizer can act on. The whole file is parsed once here, so later reads of
    the stored text cannot fail."""
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("This file is %(size)s MB; the limit is 5 MB. Split it into smaller files.")
            % {"size": f"{len(data) / 1024 / 1024:.1f}"}
        )
    text, encoding = _decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ValidationError(_("This file is empty."))
    delimiter = sniff_delimiter(text)
    header, row_count = _check_rows(text, delimiter)
    return DecodedFile(text, encoding, delimiter, header, row_count)


def _decode(data: bytes) -> tuple[str, str]:
    _refuse_binary(data)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def _refuse_binary(data: bytes) -> None:
    head = data[:4096]
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ValidationError(
            _(
                "This looks like a spreadsheet workbook, not a CSV file. In your spreadsheet, "
                "use “Save as” or “Download” and choose CSV (UTF-8), then upload that."
            )
        )
    is_utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    controls = sum(1 for byte in head if byte < 32 and byte not in b"\t\n\r\x0b\x0c")
    if not is_utf16 and (b"\x00" in head or controls > max(4, len(head) // 100)):
        raise ValidationError(
            _("This is not a text file. Upload a CSV file saved from a spreadsheet.")
        )


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab, judged from the header line; comma when unsure."""
    first_line = text.lstrip("\n").split("\n", 1)[0]
    try:
        delimiter = csv.Sniffer().sniff(first_line, delimiters=",;\t").delimiter
    except csv.Error:
        return ","
    return delimiter if delimiter in first_line else ","


def _check_rows(text: str, delimiter: str) -> tuple[list[str], int]:
    try:
        header, rows = read_rows(text, delimiter)
        count = sum(1 for _row in rows)
    except csv.Error as error:
        raise ValidationError(
            _(
                "This file can't be read as CSV: %(problem)s (from line %(line)s). "
                "Check the quotes on that line."
            )
            % {"problem": error, "line": _error_line(text, delimiter)}
        ) from error
    _check_header(header)
    if count == 0:
        raise ValidationError(_("This file has a header line but no people under it."))
    if count > MAX_ROWS:
        raise ValidationError(
            _("This file has %(rows)s rows; split it into files of at most %(max)s.")
            % {"rows": _fmt(count), "max": _fmt(MAX_ROWS)}
        )
    return header, count


def _error_line(text: str, delimiter: str) -> int:
    """The line where the CSV stops making sense (a quote opened and never closed)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    line = 1
    try:
        for _cells in reader:
            line = reader.line_num + 1
    except csv.Error:
        pass
    return line


def _check_header(header: list[str]) -> None:
    names = [name for name in header if name.strip()]
    if not names:
        raise ValidationError(
            _("The first line is empty: it should name the columns (like name, email, phone).")
        )
    if any("@" in name or PHONE_LIKE.fullmatch(name.strip()) for name in names):
        raise ValidationError(
            _(
                "The first line looks like a person, not column names. Add a first line "
                "naming the columns (like name, email, phone) and upload again."
            )
        )
    seen: set[str] = set()
    for name in names:
        key = name.strip().casefold()
        if key in seen:
            raise ValidationError(
                _("The column “%(name)s” appears twice in the first line: rename or remove one.")
                % {"name": name.strip()}
            )
        seen.add(key)


def read_rows(text: str, delimiter: str):
    """The header and an iterator of (line number, cells) for the rows that aren't blank.

    Line numbers are the file's own (the header is line 1), counting line breaks inside
    quoted cells, so an organizer can find the row in their spreadsheet.
    """
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    header = [cell.strip().lstrip(BOM) for cell in next(reader, [])]

    def rows():
        line = reader.line_num
        for cells in reader:
            start, line = line + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                yield start, cells

    return header, rows()


def guess_mapping(
    header: list[str], names_of: dict[str, list[str]] | None = None
) -> dict[str, str]:
    """Our field → the file's column, for the headers we recognise; each column used once.
    `names_of` gives another file's fields and their spellings (a dues payment file's)."""
    by_key = {header_key(name): name for name in header if name.strip()}
    mapping: dict[str, str] = {}
    for ours, names in (HEADER_NAMES if names_of is None else names_of).items():
        for key in names:
            column = by_key.get(key)
            if column is not None and column not in mapping.values():
                mapping[ours] = column
                break
    if "given_name" in mapping and "full_name" in mapping and "family_name" in mapping:
        del mapping["full_name"]
    return mapping


def yes_no(value: str) -> bool | None:
    """True, False, or None when the cell is neither."""
    key = value.strip().casefold()
    if key in YES:
        return True
    return False if key in NO else None


def split_full_name(full: str) -> tuple[str, str]:
    """(given, family): "Cruz, Maria" → ("Maria", "Cruz"); otherwise split at the last space."""
    if "," in full:
        family, given = (part.strip() for part in full.split(",", 1))
        return given, family
    given, _space, family = full.strip().rpartition(" ")
    return (given, family) if given else (family, "")


def split_list(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;,]", value) if part.strip()]


def split_path(value: str) -> list[str]:
    return [part.strip() for part in value.split("/") if part.strip()]


def unformula(value: str) -> str:
    """A cell as typed, without the "'" our export put before formula-like text."""
    if value.startswith("'") and value[1:2] in FORMULA_START:
        return value[1:]
    return value


def formula_safe(value: str) -> str:
    """Text a spreadsheet will show rather than run: "=HYPERLINK(...)" gets a leading "'"."""
    return "'" + value if value.startswith(FORMULA_START) else value


# --- One row of a roster file, read and checked (no database) ------------------------------------

MAX_LENGTHS = {
    "given_name": 100, "family_name": 100, "preferred_name": 100, "title": 120, "shift": 60,
}  # fmt: skip
MAX_NAME = 120  # a site's or a unit's name
MAX_TAG = 60
MAX_EMAIL = 254


@dataclass
class PersonRow:
    """What one line of the file says about one person, with what is wrong with it."""

    line: int
    given_name: str = ""
    family_name: str = ""
    preferred_name: str = ""
    email: str = ""
    phone: str = ""
    unit_path: tuple[str, ...] = ()
    title: str = ""
    shift: str = ""
    is_leader: bool = False
    tags: tuple[str, ...] = ()
    language: str = ""
    do_not_contact: bool = False
    notes: str = ""
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


def columns_for(
    header: list[str], mapping: dict[str, str], fields: "Iterable[str] | None" = None
) -> dict[str, int]:
    """Our field → the index of the file's column mapped to it (unknown columns dropped);
    `fields`: another file's fields than a roster's."""
    index = {name: i for i, name in enumerate(header) if name.strip()}
    known = set(FIELDS if fields is None else fields)
    return {f: index[col] for f, col in mapping.items() if f in known and col in index}


def person_row(line: int, cells: list[str], columns: dict[str, int]) -> PersonRow:
    def get(name: str) -> str:
        i = columns.get(name)
        return unformula(cells[i].strip()) if i is not None and i < len(cells) else ""

    row = PersonRow(line=line)
    _read_names(row, get)
    _read_contacts(row, get)
    _read_placement(row, get)
    _read_extras(row, get)
    return row


def _read_names(row: PersonRow, get) -> None:
    row.given_name, row.family_name = get("given_name"), get("family_name")
    row.preferred_name = get("preferred_name")
    if not (row.given_name or row.family_name) and get("full_name"):
        row.given_name, row.family_name = split_full_name(get("full_name"))
    if not row.name:
        row.problems.append(_("no name"))
    for name in ("given_name", "family_name", "preferred_name"):
        _check_length(row, name, getattr(row, name), MAX_LENGTHS[name])


def _read_contacts(row: PersonRow, get) -> None:
    row.email = get("email")
    if len(row.email) > MAX_EMAIL:
        row.problems.append(
            _("the email address is longer than %(max)s characters") % {"max": MAX_EMAIL}
        )
    elif row.email:
        try:
            validate_email(row.email)
        except ValidationError:
            row.problems.append(
                _("“%(value)s” is not a valid email address") % {"value": row.email}
            )
    raw_phone = get("phone")
    if raw_phone:
        try:
            row.phone = phone_normalize(raw_phone)
        except ValidationError as error:
            row.problems.append(error.messages[0].rstrip("."))


def _read_placement(row: PersonRow, get) -> None:
    row.unit_path = tuple(split_path(get("unit")))
    for segment in row.unit_path:
        _check_length(row, "unit", segment, MAX_NAME)
    row.title, row.shift = get("title"), get("shift")
    _check_length(row, "title", row.title, MAX_LENGTHS["title"])
    _check_length(row, "shift", row.shift, MAX_LENGTHS["shift"])
    row.is_leader = _read_yes_no(row, "leader", get("leader"))


def _read_extras(row: PersonRow, get) -> None:
    row.tags = tuple(dict.fromkeys(split_list(get("tags"))))
    for tag in row.tags:
        _check_length(row, "tags", tag, MAX_TAG)
    row.do_not_contact = _read_yes_no(row, "do_not_contact", get("do_not_contact"))
    row.notes = get("notes")
    language = get("language")
    row.language = language_code(language)
    if language and not row.language:
        row.warnings.append(
            _("language “%(value)s” is not one we offer; left blank") % {"value": language}
        )


def _read_yes_no(row: PersonRow, name: str, value: str) -> bool:
    answer = yes_no(value)
    if answer is None:
        row.problems.append(
            _("“%(value)s” under “%(field)s” should be yes or no")
            % {"value": value, "field": FIELDS[name]}
        )
    return bool(answer)


def _check_length(row: PersonRow, name: str, value: str, limit: int) -> None:
    if len(value) > limit:
        row.problems.append(
            _("“%(field)s” is longer than %(max)s characters")
            % {"field": FIELDS[name], "max": limit}
        )


def language_code(value: str) -> str:
    """One of settings.LANGUAGES' codes for "es", "Spanish" or "Español"; "" if none."""
    key = value.strip().casefold()
    if not key:
        return ""
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        names = {code, info["name"].casefold(), info["name_local"].casefold()}
        if key in names or key.split("-")[0] == code:
            return code
    return ""
