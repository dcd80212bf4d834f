"""The tutorial's programs side by side: the page session under /page/, program 3
(set_expiry(600)) under /p3/, program 4 (the test cookie) under /p4/."""
from django.urls import path
from student import views

urlpatterns = [
    path('page/set/', views.setsession),
    path('page/get/', views.getsession),
    path('page/del/', views.delsession),
    path('p3/set/', views.setsession_600),
    path('p3/get/', views.getsession_600),
    path('p3/del/', views.delsession),
    path('p4/set/', views.settestcookie),
    path('p4/check/', views.checktestcookie),
    path('p4/del/', views.deltestcookie),
]
