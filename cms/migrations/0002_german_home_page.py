"""Replace Wagtail's generic welcome page by the network's (German) home page."""

from django.db import migrations


def create_home_page(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Locale = apps.get_model("wagtailcore.Locale")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("cms.HomePage")

    generic_page = ContentType.objects.get(app_label="wagtailcore", model="page")
    Page.objects.filter(content_type=generic_page, depth=2, slug="home").delete()
    if HomePage.objects.exists():
        return
    home_type, _ = ContentType.objects.get_or_create(app_label="cms", model="homepage")
    home = HomePage.objects.create(
        title="Weiterbildung für Ihr Unternehmen",
        draft_title="Weiterbildung für Ihr Unternehmen",
        slug="start",
        content_type=home_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/start/",
        locale=Locale.objects.order_by("pk").first(),
        intro=(
            "<p>Der Weiterbildungsverbund hilft kleinen und mittleren Unternehmen der Region, "
            "ihre Beschäftigten für Automatisierung, Robotik, additive Fertigung und digitale "
            "Werkzeuge fit zu machen – mit eigenen Workshopreihen, neutraler Beratung und "
            "einem Überblick über passende Förderprogramme.</p>"
        ),
    )
    Site.objects.filter(is_default_site=True).delete()
    Site.objects.create(
        hostname="localhost", port=80, root_page_id=home.pk, is_default_site=True,
        site_name="Weiterbildungsverbund",
    )


def remove_home_page(apps, schema_editor):
    apps.get_model("cms.HomePage").objects.filter(depth=2).delete()


class Migration(migrations.Migration):
    dependencies = [("cms", "0001_initial")]

    operations = [migrations.RunPython(create_home_page, remove_home_page)]
