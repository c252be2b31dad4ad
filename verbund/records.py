class NotContent:
    """Mixin for models that record people and events rather than hold content.

    Wagtail's reference index (behind the "usage" of pages, images and snippets) would
    otherwise be rewritten on every save of such a row, which costs a few queries each
    time an enrolment changes or an email goes out.
    """

    wagtail_reference_index_ignore = True
