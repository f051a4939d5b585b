"""Backup codes kept only as salted hashes (ASVS V6.5.2).

Moves every unused code from django-otp's static devices (stored in clear) into
``BackupCodeDevice`` / ``BackupCode`` as PBKDF2 hashes, then deletes the static
devices: staff keep the codes they printed, and the clear copies are gone.
"""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import migrations, models

ITERATIONS = 100_000


def hash_existing_codes(apps, schema_editor):
    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    BackupCodeDevice = apps.get_model("two_factor", "BackupCodeDevice")
    BackupCode = apps.get_model("two_factor", "BackupCode")
    hasher = PBKDF2PasswordHasher()
    for static in StaticDevice.objects.all():
        device = BackupCodeDevice.objects.create(
            user_id=static.user_id, name=static.name, confirmed=static.confirmed
        )
        BackupCode.objects.bulk_create(
            BackupCode(
                device=device,
                code_hash=hasher.encode(
                    token.token, hasher.salt(), iterations=ITERATIONS
                ),
            )
            for token in static.token_set.all()
        )
        static.delete()


class Migration(migrations.Migration):

    dependencies = [
        ('two_factor', '0002_senior_leadership_admin_access'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [
        migrations.CreateModel(
            name='BackupCodeDevice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='The human-readable name of this device.', max_length=64)),
                ('confirmed', models.BooleanField(default=True, help_text='Is this device ready for use?')),
                ('throttling_failure_timestamp', models.DateTimeField(blank=True, default=None, help_text='A timestamp of the last failed verification attempt. Null if last attempt succeeded.', null=True)),
                ('throttling_failure_count', models.PositiveIntegerField(default=0, help_text='Number of successive failed attempts.')),
                ('user', models.ForeignKey(help_text='The user that this device belongs to.', on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'backup codes',
                'verbose_name_plural': 'backup codes',
            },
        ),
        migrations.CreateModel(
            name='BackupCode',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code_hash', models.CharField(max_length=128)),
                ('device', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='codes', to='two_factor.backupcodedevice')),
            ],
        ),
        migrations.RunPython(hash_existing_codes, migrations.RunPython.noop),
    ]
