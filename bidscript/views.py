from django.http import HttpRequest
from django.http import HttpResponse
from django.http import JsonResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.views import defaults

from bidscript.errors import GENERIC_ERROR_MESSAGE
from bidscript.errors import answer_response
from bidscript.errors import error_answer
from bidscript.errors import is_api_path


def home(request: HttpRequest) -> HttpResponse:
    """The product page for visitors; signed-in people go straight to their dashboard."""
    if request.user.is_authenticated:
        return redirect("projects:dashboard")
    return render(request, "bidscript/home.html")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400 (e.g. a body too large to read, found before any view ran): a known cause
    gets its own answer, the rest a plain 400 — JSON for the API, a page for people."""
    if answer := error_answer(exception):
        return answer_response(answer, request.path)
    if is_api_path(request.path):
        return JsonResponse({"message": "Bad request.", "code": "bad_request"}, status=400)
    return defaults.bad_request(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """API clients get the API's JSON error shape; people get the styled page."""
    if is_api_path(request.path):
        return JsonResponse({"message": "Not found.", "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_path(request.path):
        return JsonResponse({"message": GENERIC_ERROR_MESSAGE, "code": "server_error"}, status=500)
    return defaults.server_error(request)
