"""The tutorial's views, as written there: the page session, program 3 and program 4."""
from django.shortcuts import render, HttpResponse


# The page session: every visit renews it (SESSION_COOKIE_AGE = 20 in settings_pagesession).
def setsession(request):
    request.session['name'] = 'Sonam'
    return render(request, 'student/setsession.html')


def getsession(request):
    if 'name' in request.session:
        name = request.session['name']
        request.session.modified = True  # every time your get session, your session will reset to 20 seconds
        return render(request, 'student/getsession.html', {'name': name})
    else:
        return HttpResponse("Your session has Expired...")


def delsession(request):
    request.session.flush()
    request.session.clear_expired()  # remove the session from the database
    return render(request, 'student/delsession.html')


# Program 3: set_expiry(600).
def setsession_600(request):
    request.session['name'] = 'Sonam'
    request.session.set_expiry(600)
    return render(request, 'student/setsession.html')


def getsession_600(request):
    name = request.session['name']
    return render(request, 'student/getsession.html', {'name': name})


# Program 4: the test cookie.
def settestcookie(request):
    request.session.set_test_cookie()
    return render(request, 'student/settestcookie.html')


def checktestcookie(request):
    return render(request, 'student/checktestcookie.html')


def deltestcookie(request):
    request.session.delete_test_cookie()
    return render(request, 'student/deltestcookie.html')
