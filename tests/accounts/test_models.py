import pytest
from django.contrib.auth import authenticate
from django.db import IntegrityError

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_users_sign_in_with_their_email_in_any_case():
    User.objects.create_user(email="Ann.Lee@Example.com", password="a-long-passphrase-42")

    user = authenticate(username="ANN.LEE@example.com", password="a-long-passphrase-42")

    assert user is not None
    assert user.email == "ann.lee@example.com"


def test_an_email_can_belong_to_one_user_only_whatever_its_case():
    User.objects.create_user(email="ann@example.com")

    with pytest.raises(IntegrityError):
        User.objects.create_user(email="ANN@example.com")


def test_user_ids_are_uuids_safe_to_show_in_urls():
    user = User.objects.create_user(email="ann@example.com")

    assert len(str(user.pk)) == 36


def test_superusers_are_staff_and_need_an_email():
    admin = User.objects.create_superuser(email="root@example.com", password="x-long-passphrase-42")

    assert admin.is_staff
    assert admin.is_superuser
    with pytest.raises(ValueError, match="email address is required"):
        User.objects.create_user(email="")
