"""The two storages in S3-compatible object storage (django-storages), from the environment's
``S3_*`` variables: settings.py builds ``STORAGES`` with it, and the tests that point a process
at their own buckets build theirs the same way (docs/deploy.md, *Object storage*)."""

from collections.abc import Mapping

BACKEND = "storages.backends.s3.S3Storage"
VARIABLES = ("S3_PUBLIC_BUCKET", "S3_PRIVATE_BUCKET", "S3_ENDPOINT_URL", "S3_REGION",
             "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_ADDRESSING_STYLE")  # fmt: skip
PRIVATE_LINK_SECONDS = 60


def s3_storages(env: Mapping[str, str]) -> dict[str, dict]:
    """``default`` (the public bucket: the resource library's files) and ``private`` (letters,
    receipts, report files: read only by the app, after its permission check)."""
    common = {
        "endpoint_url": env.get("S3_ENDPOINT_URL") or None,  # None: Amazon's own
        "region_name": env.get("S3_REGION") or "us-east-1",
        "access_key": env.get("S3_ACCESS_KEY_ID", ""),
        "secret_key": env.get("S3_SECRET_ACCESS_KEY", ""),
        # MinIO and most others answer at <endpoint>/<bucket>/, not at <bucket>.<endpoint>.
        "addressing_style": env.get("S3_ADDRESSING_STYLE") or "path",
        "signature_version": "s3v4",
        "file_overwrite": False,  # a second "report.pdf" gets a name of its own, as on disk
        "default_acl": None,  # the bucket's own policy decides, never a per-file ACL
    }
    public = {**common, "bucket_name": env["S3_PUBLIC_BUCKET"], "querystring_auth": False}
    private = {**common, "bucket_name": env["S3_PRIVATE_BUCKET"], "querystring_auth": True,
               "querystring_expire": PRIVATE_LINK_SECONDS}  # fmt: skip
    return {
        "default": {"BACKEND": BACKEND, "OPTIONS": public},
        "private": {"BACKEND": BACKEND, "OPTIONS": private},
    }
