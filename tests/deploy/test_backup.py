"""The restore drill: a backup restored into an empty database and file store has every record
and every file of the original; a difference is reported, not passed over."""

import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command

from inklusio.children.models import Child
from inklusio.core import backup
from inklusio.core.storage import private_storage


@pytest.mark.django_db(transaction=True)
def test_the_drill_restores_every_record_and_file(cast):
    private_storage.save("letters/extra.pdf", ContentFile(b"%PDF-1.4 brev"))
    out = io.StringIO()
    call_command("restore_drill", stdout=out)
    report = out.getvalue()
    assert "Restore drill passed." in report
    children_line = next(line for line in report.splitlines() if line.startswith("children_child "))
    assert children_line.split()[1:3] == [str(Child.objects.count())] * 2
    # The cast's attachment, report and checked import file, and the letter above.
    stored = len(list(backup.walk(private_storage)))
    assert stored == 4 and f"files: {stored} of {stored} with the same checksum" in report


@pytest.mark.django_db(transaction=True)
def test_a_restored_copy_that_differs_is_reported(cast, tmp_path: Path):
    manifest = backup.backup(tmp_path / "backup", private_storage)
    restored_files = FileSystemStorage(location=tmp_path / "restored")
    backup.restore_files(tmp_path / "backup", restored_files)
    name = next(iter(manifest["files"]))
    Path(restored_files.path(name)).write_bytes(b"changed after the backup")
    counts = dict(manifest["tables"], children_child=manifest["tables"]["children_child"] - 1)

    result = backup.compare(manifest, counts, restored_files)

    assert not result.ok
    assert result.files[name] is False
    assert result.tables["children_child"] == (3, 2)
