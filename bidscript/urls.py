from django.contrib import admin
from django.urls import include
from django.urls import path

from bidscript import views
from bidscript.health import health

urlpatterns = [
    path("", views.home, name="home"),
    path("health", health, name="health"),
    path("api/v1/", include(("bidscript.api", "api"))),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("projects.urls")),
    path("", include("documents.urls")),
    path("", include("chat.urls")),
    path("admin/", admin.site.urls),
]

handler400 = views.bad_request
handler404 = views.page_not_found
handler500 = views.server_error

admin.site.site_header = "BidScript administration"
admin.site.site_title = "BidScript admin"
