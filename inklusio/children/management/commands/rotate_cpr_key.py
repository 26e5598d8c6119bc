"""Re-encrypt every stored CPR number under the newest key and re-hash it under the current hash
key, after a key rotation (docs/operations.md, "CPR numbers at rest").

Safe to run again, and while the application serves: each batch is one transaction that locks
its rows, and the old keys keep decrypting until the command has finished and they are removed.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from inklusio.children.models import Child
from inklusio.core.crypto import cpr_lookup_hash, decrypt_cpr, reencrypt_cpr

BATCH = 500


class Command(BaseCommand):
    help = (
        "Re-encrypt every child's CPR number under the first key of INKLUSIO_CPR_KEYS and "
        "re-hash it under INKLUSIO_CPR_HASH_KEY."
    )

    def handle(self, *args, **options):
        done = 0
        last_pk = 0
        while True:
            with transaction.atomic():
                batch = list(
                    Child.objects.select_for_update()
                    .filter(pk__gt=last_pk)
                    .order_by("pk")
                    .only("pk", "cpr_encrypted", "cpr_hash")[:BATCH]
                )
                if not batch:
                    break
                for child in batch:
                    child.cpr_encrypted = reencrypt_cpr(child.cpr_encrypted)
                    child.cpr_hash = cpr_lookup_hash(decrypt_cpr(child.cpr_encrypted))
                Child.objects.bulk_update(batch, ["cpr_encrypted", "cpr_hash"])
            done += len(batch)
            last_pk = batch[-1].pk
        self.stdout.write(f"Re-encrypted {done} CPR numbers under the newest key.")
