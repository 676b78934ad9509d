from django.http import HttpRequest

from bidscript import __version__


def product(request: HttpRequest) -> dict[str, str]:
    return {"product_version": __version__}
