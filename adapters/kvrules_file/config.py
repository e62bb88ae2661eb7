"""Settings of the file adapter (``kvrules fetch --source file --path DIR``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from kvrules import RecordLimits

TAGS_FILE_NAME = "kvrules-tags.csv"


class FileConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: Path = Field(description="a .csv or .jsonl export, or a folder of them (not recursive)")
    tags_file: Path | None = Field(
        default=None,
        description=f"write-back CSV; default: {TAGS_FILE_NAME} next to the export(s)",
    )
    page_size: int = Field(
        default=500, ge=1, description="records between resume points (cursors) within a file"
    )
    delimiter: str | None = Field(
        default=None,
        min_length=1,
        max_length=1,
        description="CSV delimiter; default: detected from the header (',' ';' or tab)",
    )

    limits: RecordLimits = Field(
        default_factory=RecordLimits, description="per-record limits (SECURITY.md)"
    )

    @property
    def tags_path(self) -> Path:
        if self.tags_file is not None:
            return self.tags_file
        folder = self.path if self.path.is_dir() else self.path.parent
        return folder / TAGS_FILE_NAME
