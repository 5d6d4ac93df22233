from jigsaw.feeds.errors import FieldError


def test_field_error_is_a_value_error_with_message_and_field():
    err = FieldError("not a date", field="birth_date")
    assert isinstance(err, ValueError)
    assert err.message == "not a date"
    assert err.field == "birth_date"
    assert str(err) == "birth_date: not a date"


def test_field_is_optional():
    err = FieldError("not a date")
    assert err.field is None
    assert str(err) == "not a date"
