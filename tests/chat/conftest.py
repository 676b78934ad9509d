import pytest

from accounts.models import Membership
from chat import llm
from tests.documents.conftest import ingest

LIBRARY = {
    "iso.md": (
        "# Certificates\n\nWe hold ISO 9001 certification for quality management, issued by BSI "
        "in March 2021. The ISO 9001 certificate expires on 14 March 2027. We also hold ISO "
        "14001 for environmental management, which expires on 2 June 2026. Our offices are "
        "open from nine to five."
    ),
    "social-value.md": (
        "# Social value\n\nWe train twelve local apprentices every year. Every member of staff "
        "is paid the real living wage. We volunteer two days a year at food banks near our "
        "depots."
    ),
    "mobilisation.md": (
        "# Mobilisation\n\nA TUPE transfer plan moves staff in four weeks with no loss of "
        "service. A named mobilisation manager reports weekly to the client."
    ),
}


@pytest.fixture(autouse=True)
def _fresh_provider():
    """Each test builds the provider from its own settings."""
    llm.provider.cache_clear()
    yield
    llm.provider.cache_clear()


@pytest.fixture
def library(company, owner):
    return {name: ingest(company, owner, name, text) for name, text in LIBRARY.items()}


def membership_of(user, company=None):
    memberships = Membership.objects.select_related("company", "user")
    return memberships.get(user=user, **({"company": company} if company else {}))


@pytest.fixture
def stub_llm(settings):
    """The openai provider, pointed at a local stub server."""
    from tests.chat.stub_llm import StubLLM

    stub = StubLLM()
    settings.LLM_PROVIDER = "openai"
    settings.LLM_BASE_URL = stub.url
    settings.LLM_API_KEY = "test-key"
    settings.LLM_MODEL = "stub-model"
    settings.LLM_RETRY_BACKOFF = 0.01
    settings.LLM_TIMEOUT = 2.0
    llm.provider.cache_clear()
    yield stub
    stub.close()
