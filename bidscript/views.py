from django.http import HttpRequest
from django.http import HttpResponse
from django.http import JsonResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.views import defaults

from bidscript.errors import GENERIC_ERROR_MESSAGE


def home(request: HttpRequest) -> HttpResponse:
    """The product page for visitors; signed-in people go straight to their dashboard."""
    if request.user.is_authenticated:
        return redirect("projects:dashboard")
    return render(request, "bidscript/home.html")


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """API clients get the API's JSON error shape; people get the styled page."""
    if _is_api(request):
        return JsonResponse({"message": "Not found.", "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"message": GENERIC_ERROR_MESSAGE, "code": "server_error"}, status=500)
    return defaults.server_error(request)
