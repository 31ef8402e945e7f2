import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from agreements.models import Agreement


@pytest.fixture
def demo(db):
    """The five seed agreements and their users, as `make run` loads them."""
    call_command("load_demo", verbosity=0, stdout=_Sink())
    return {agreement.reference: agreement for agreement in Agreement.objects.all()}


@pytest.fixture
def admin_client_sv(client, demo):
    client.force_login(get_user_model().objects.get(username="admin"))
    return client


class _Sink:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass
