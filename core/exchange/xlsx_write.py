"""Writing human-facing sheets with XlsxWriter: German formats, escaping, fitted widths.

``TableSheet`` writes a header + rows table the way the Impfzentrum expects to open it:
real Excel dates/times with German number formats, every text escaped against formula
injection, frozen header row, auto filter, column widths that fit the content.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from core.exchange.xlsx_safety import escape_text

DATE_FORMAT = "dd.mm.yyyy"
TIME_FORMAT = "hh:mm"
DATETIME_FORMAT = "dd.mm.yyyy hh:mm"
INT_FORMAT = "#,##0"
MAX_WIDTH = 60


class Formats:
    """The workbook's shared cell formats (XlsxWriter wants them created once)."""

    def __init__(self, workbook: Any) -> None:
        self.header = workbook.add_format({"bold": True, "bg_color": "#DDE7F0", "border": 1,
                                           "text_wrap": True, "valign": "top"})
        self.date = workbook.add_format({"num_format": DATE_FORMAT, "align": "left"})
        self.time = workbook.add_format({"num_format": TIME_FORMAT, "align": "left"})
        self.datetime = workbook.add_format({"num_format": DATETIME_FORMAT, "align": "left"})
        self.int = workbook.add_format({"num_format": INT_FORMAT})
        self.total = workbook.add_format({"bold": True, "top": 2, "num_format": INT_FORMAT})
        self.total_text = workbook.add_format({"bold": True, "top": 2})
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.note = workbook.add_format({"italic": True, "font_color": "#555555"})
        self.subtitle = workbook.add_format({"bold": True})
        self.centre = workbook.add_format({"align": "center"})
        self.text = workbook.add_format({})


def display_len(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if isinstance(value, time):
        return 5
    if isinstance(value, int | float) and not isinstance(value, bool):
        return len(f"{value:,}")
    return max((len(part) for part in str(value).split("\n")), default=0)


class TableSheet:
    """One worksheet holding a table whose header is at ``header_row``."""

    def __init__(self, workbook: Any, formats: Formats, name: str, headers: list[str],
                 header_row: int = 0, min_widths: dict[int, int] | None = None,
                 centred: set[int] | None = None) -> None:
        self.ws = workbook.add_worksheet(name)
        self.f = formats
        self.headers = headers
        self.header_row = header_row
        self.row = header_row + 1
        self.centred = centred or set()  # short numbers/codes: no clash with the neighbour
        self.widths = [max(len(h), 6) for h in headers]
        for col, width in (min_widths or {}).items():
            self.widths[col] = max(self.widths[col], width)
        self.ws.write_row(header_row, 0, headers, formats.header)

    def cell(self, row: int, col: int, value: Any, fmt: Any = None) -> None:
        """Write with the right type and format; text is always escaped."""
        ws, f = self.ws, self.f
        if value is None or value == "":
            ws.write_blank(row, col, None, fmt)
        elif isinstance(value, bool):
            ws.write_string(row, col, "ja" if value else "nein", fmt)
        elif isinstance(value, datetime):
            ws.write_datetime(row, col, value, fmt or f.datetime)
        elif isinstance(value, date):
            ws.write_datetime(row, col, value, fmt or f.date)
        elif isinstance(value, time):
            ws.write_datetime(row, col, value, fmt or f.time)
        elif isinstance(value, int | float):
            ws.write_number(row, col, value, fmt or f.int)
        else:
            ws.write_string(row, col, escape_text(str(value)), fmt)
        if col < len(self.widths):
            self.widths[col] = max(self.widths[col], display_len(value))

    def add(self, values: list[Any], fmt: Any = None) -> int:
        for col, value in enumerate(values):
            self.cell(self.row, col, value,
                      fmt if fmt is not None or col not in self.centred else self.f.centre)
        self.row += 1
        return self.row - 1

    def finish(self, filter_rows: int | None = None) -> None:
        """Freeze the header, filter the data rows, fit the widths, set up printing."""
        last = self.header_row + (filter_rows if filter_rows is not None
                                  else self.row - self.header_row - 1)
        self.ws.freeze_panes(self.header_row + 1, 0)
        self.ws.autofilter(self.header_row, 0, max(last, self.header_row),
                           len(self.headers) - 1)
        for col, width in enumerate(self.widths):
            # +2 for the filter button, a little air; wrap very long texts instead
            self.ws.set_column(col, col, min(width + 3, MAX_WIDTH))
        self.ws.set_landscape()
        self.ws.set_paper(9)  # A4
        self.ws.fit_to_pages(1, 0)
        self.ws.repeat_rows(self.header_row)
        self.ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        self.ws.set_header("&L&\"-,Bold\"&A&RVertraulich – personenbezogene Daten")
        self.ws.set_footer("&LImpfteam&RSeite &P von &N")
