"""Frame parsing and the rate limit, without a socket."""

import pytest

from realtime.protocol import (
    ClientFrame,
    ClientOp,
    ErrorCode,
    ProtocolError,
    TokenBucket,
    parse_client_frame,
)


def test_subscribe_frame_is_parsed_with_its_fields():
    frame = parse_client_frame('{"op": "subscribe", "space": "jeunes", "after_seq": 4, "ref": "x"}')
    assert frame == ClientFrame(op=ClientOp.SUBSCRIBE, ref="x", space="jeunes", after_seq=4)


def test_unknown_fields_are_ignored():
    assert parse_client_frame('{"op": "ping", "extra": [1]}') == ClientFrame(op=ClientOp.PING)


@pytest.mark.parametrize("after_seq", ["true", "1.5", "-1", '"2"'])
def test_after_seq_must_be_a_non_negative_integer(after_seq):
    with pytest.raises(ProtocolError) as error:
        parse_client_frame(f'{{"op": "subscribe", "space": "a", "after_seq": {after_seq}}}')
    assert error.value.code == ErrorCode.INVALID


def test_token_bucket_allows_a_burst_then_refills_at_the_rate():
    bucket = TokenBucket(rate=2, burst=3, now=0.0)
    assert [bucket.take(0.0) for _ in range(4)] == [True, True, True, False]
    assert bucket.take(1.0)  # two tokens back after a second, one was owed
    assert not bucket.exhausted


def test_token_bucket_is_exhausted_after_owing_a_full_burst():
    bucket = TokenBucket(rate=1, burst=2, now=0.0)
    for _ in range(4):
        bucket.take(0.0)
    assert bucket.exhausted
