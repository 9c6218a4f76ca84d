"""bench.settings for the signup scenario's gunicorn servers, chosen by two environment variables.

SIGNUP_SENDS_IN_REQUEST=1: the signup that sends its email in the request (bench/sync_signup.py).
SIGNUP_PASSWORD_HASHER=md5: a cheap hasher, so the figures show the request path without the
password hash's CPU time (the hash is the same work in both variants; no queue removes it).
"""

from bench.settings import *  # noqa: F403
from project.settings import env

if env("SIGNUP_SENDS_IN_REQUEST") == "1":
    ROOT_URLCONF = "bench.sync_signup"
if env("SIGNUP_PASSWORD_HASHER") == "md5":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
