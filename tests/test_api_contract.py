"""The API keeps its published contract: schemathesis against /api/v1/openapi.json.

Every operation is called with generated input, valid and invalid, as a firm admin with a
token, against PostgreSQL, and every built-in check runs on every answer: no 500, no
undocumented status, no body outside its schema, no invalid input accepted, no valid input
refused, auth not ignored, wrong methods answered 405. A second test follows the links
between operations (create a person, read it, change it; list enrolments, cancel one).
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks
from wagtail.models import APIToken

from members.models import Person
from tests.factories import (
    DistrictFactory,
    EnrolmentFactory,
    FirmFactory,
    PersonFactory,
    WorkshopDateFactory,
)
from workshops.models import Enrolment

pytestmark = [pytest.mark.services, pytest.mark.not_on_sqlite, pytest.mark.django_db]

# Bounded, so the suite stays quick; each operation still sees valid and invalid input.
EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def all_checks():
    load_all_checks()
    return list(CHECKS.get_all())


@pytest.fixture
def api_schema(require_postgres):
    # As Django's test client does: the request cycle must not close the test's connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def firm_admin_token():
    """A firm admin's token, the firm's people and an enrolment, and an open date."""
    firm = FirmFactory(name="Kessler Feinmechanik GmbH")
    admin = PersonFactory(firm=firm, admin=True, email="chefin@kessler.example")
    employee = PersonFactory(firm=firm, email="azubi@kessler.example")
    PersonFactory(firm=firm, email="", first_name="Ömer", last_name="Yılmaz")
    offer = WorkshopDateFactory(district=DistrictFactory())
    EnrolmentFactory(date=offer, person=employee)
    WorkshopDateFactory(capacity=1)
    PersonFactory(firm=FirmFactory(name="Andere GmbH"), email="fremd@andere.example")
    _token, plaintext = APIToken.create_token(user=admin.user, name="Vertrag")
    return plaintext


schema = schemathesis.pytest.from_fixture("api_schema")


def test_every_built_in_check_runs():
    names = {check.__name__ for check in all_checks()}
    assert {
        "not_a_server_error",
        "status_code_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "positive_data_acceptance",
        "ignored_auth",
        "unsupported_method",
        "use_after_free",
    } <= names


@schema.parametrize()
@EXAMPLES
def test_each_operation_keeps_its_contract(case, firm_admin_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {firm_admin_token}"}, checks=all_checks()
    )


def test_workflows_keep_the_contract(api_schema, firm_admin_token):
    people_before = set(Person.objects.values_list("pk", flat=True))
    checks = all_checks()

    class Workflow(api_schema.as_state_machine()):
        # Every scenario starts from the same data, so hypothesis can replay one exactly.
        def setup(self):
            self.savepoint = transaction.savepoint()

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)

        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": f"Bearer {firm_admin_token}"}}

        def validate_response(self, response, case, additional_checks=(), **kwargs):
            case.validate_response(
                response,
                checks=checks,
                headers={"Authorization": f"Bearer {firm_admin_token}"},
            )

    Workflow.run(
        settings=settings(
            max_examples=15,
            stateful_step_count=6,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    # Each scenario was rolled back; the other firm was never touched.
    assert set(Person.objects.values_list("pk", flat=True)) == people_before
    assert not Enrolment.objects.filter(person__firm__name="Andere GmbH").exists()
