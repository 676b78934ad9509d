from django.contrib import admin
from django.urls import include
from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from drf_spectacular.views import SpectacularSwaggerSplitView

from bidscript import views
from bidscript.api import ApiRootApi
from bidscript.health import health

api_v1 = (
    [
        path("", ApiRootApi.as_view(), name="root"),
        path("schema/", SpectacularAPIView.as_view(), name="schema"),
        path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    ],
    "api",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("health", health, name="health"),
    path("api/v1/", include(api_v1)),
    path("admin/", admin.site.urls),
]

handler404 = views.page_not_found
handler500 = views.server_error

admin.site.site_header = "BidScript administration"
admin.site.site_title = "BidScript admin"
