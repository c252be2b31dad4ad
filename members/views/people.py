"""People of a member firm, for its admins and contacts: list, add, edit, left, CSV import."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from members.forms import AddPersonForm, ImportForm, LeftForm, PersonForm
from members.permissions import firm_manager_required
from members.services import people as service

IMPORT_SESSION_KEY = "members_people_import"
PER_PAGE = 50


def _person_or_404(request, person_id):
    return get_object_or_404(service.people_of(request.user, request.firm), pk=person_id)


@firm_manager_required
def people_list(request):
    status = request.GET.get("status", "current")
    if status not in {"current", "left", "all"}:
        status = "current"
    people = service.people_of(request.user, request.firm)
    if status == "current":
        people = people.filter(left_on__isnull=True)
    elif status == "left":
        people = people.filter(left_on__isnull=False)
    page = Paginator(people, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "members/people/list.html",
        {
            "firm": request.firm,
            "page": page,
            "status": status,
            "filters": [
                ("current", _("Aktuelle Beschäftigte")),
                ("left", _("Ausgeschieden")),
                ("all", _("Alle")),
            ],
        },
    )


@firm_manager_required
@require_http_methods(["GET", "POST"])
def person_add(request):
    form = AddPersonForm(request.POST or None, firm=request.firm)
    if request.method == "POST" and form.is_valid():
        try:
            person = service.add_person(
                request.firm,
                form.cleaned_data,
                request.user,
                invite=form.cleaned_data["invite"],
            )
        except service.PeopleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(name)s wurde angelegt.") % {"name": person.full_name})
            return redirect("members:people")
    return render(request, "members/people/form.html", {"form": form, "person": None})


@firm_manager_required
@require_http_methods(["GET", "POST"])
def person_edit(request, person_id):
    person = _person_or_404(request, person_id)
    name = person.full_name
    form = PersonForm(request.POST or None, instance=person, firm=request.firm)
    if request.method == "POST" and form.is_valid():
        try:
            service.change_person(person, form.cleaned_data, request.user)
        except service.PeopleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Die Angaben zu %(name)s wurden gespeichert.") % {"name": name}
            )
            return redirect("members:people")
    return render(
        request, "members/people/form.html", {"form": form, "person": person, "name": name}
    )


@firm_manager_required
@require_http_methods(["GET", "POST"])
def person_left(request, person_id):
    person = _person_or_404(request, person_id)
    form = LeftForm(request.POST or None, initial={"left_on": timezone.localdate()})
    if person.has_left:
        messages.info(
            request, _("%(name)s ist bereits als ausgeschieden vermerkt.") % {"name": person}
        )
        return redirect("members:people")
    if request.method == "POST" and form.is_valid():
        try:
            service.mark_left(person, request.user, form.cleaned_data["left_on"])
        except service.PeopleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(name)s ist als ausgeschieden vermerkt und bleibt für die Historie erhalten.")
                % {"name": person},
            )
            return redirect("members:people")
    return render(request, "members/people/left.html", {"form": form, "person": person})


def _stored_import(request):
    stored = request.session.get(IMPORT_SESSION_KEY)
    if stored and stored.get("firm") == request.firm.pk:
        return stored
    return None


@firm_manager_required
@require_http_methods(["GET", "POST"])
def people_import(request):
    action = request.POST.get("action", "upload")
    form = ImportForm()
    preview = None
    error = ""
    stored = _stored_import(request)
    if request.method == "POST" and action == "cancel":
        request.session.pop(IMPORT_SESSION_KEY, None)
        messages.info(request, _("Der Import wurde abgebrochen. Es wurde nichts gespeichert."))
        return redirect("members:people")
    if request.method == "POST" and action == "confirm":
        if stored is None:
            error = _(
                "Die hochgeladene Datei ist nicht mehr vorhanden. Bitte laden Sie sie erneut hoch."
            )
        else:
            try:
                people = service.import_people(request.firm, stored["text"], request.user)
            except (service.PeopleError, service.ImportFileError) as exc:
                error = str(exc)
                preview = _safe_preview(request.firm, stored["text"])
            else:
                request.session.pop(IMPORT_SESSION_KEY, None)
                messages.success(
                    request,
                    ngettext(
                        "%(count)s Person wurde importiert.",
                        "%(count)s Personen wurden importiert.",
                        len(people),
                    )
                    % {"count": len(people)},
                )
                return redirect("members:people")
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        request.session.pop(IMPORT_SESSION_KEY, None)
        stored = None
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                text = service.decode_upload(upload.read(service.MAX_IMPORT_BYTES + 1))
                preview = service.preview_import(request.firm, text)
            except service.ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                stored = {"firm": request.firm.pk, "text": text, "filename": upload.name}
                request.session[IMPORT_SESSION_KEY] = stored
    elif stored is not None:
        preview = _safe_preview(request.firm, stored["text"])
    return render(
        request,
        "members/people/import.html",
        {
            "form": form,
            "preview": preview,
            "error": error,
            "filename": stored["filename"] if stored else "",
            "columns": [service.column_label(name) for name in service.PERSON_FIELDS],
            "max_rows": service.MAX_IMPORT_ROWS,
        },
    )


def _safe_preview(firm, text):
    try:
        return service.preview_import(firm, text)
    except service.ImportFileError:
        return None


@firm_manager_required
def people_import_template(request):
    response = HttpResponse(
        "\ufeffVorname;Nachname;E-Mail;Abteilung;Personalnummer\r\n"
        "Jürgen;Weiß;j.weiss@beispiel.de;Fertigung;1001\r\n",
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="personen-vorlage.csv"'
    return response
