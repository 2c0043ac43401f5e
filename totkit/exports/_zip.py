"""Office files (xlsx, docx) are zip archives whose entries carry the time they were
written; ``stamped`` rewrites them with the export's time, so the same workbook exported
with the same ``now`` gives the same bytes."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime


def stamped(content: bytes, when: datetime) -> bytes:
    """``content`` (a zip archive) with every entry dated ``when`` (zip keeps local,
    naive times from 1980 on, to the even second)."""
    moment = max(when.replace(tzinfo=None), datetime(1980, 1, 1))
    date_time = (moment.year, moment.month, moment.day, moment.hour, moment.minute,
                 moment.second - moment.second % 2)
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, \
            zipfile.ZipFile(output, "w") as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=date_time)
            info.compress_type = entry.compress_type
            info.external_attr = entry.external_attr
            target.writestr(info, source.read(entry))
    return output.getvalue()
