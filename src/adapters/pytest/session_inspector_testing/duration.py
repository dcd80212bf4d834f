"""Amounts of time as people write them ("90", "90s", "20m", "1h30m", "2d"), in seconds: the
same reading as the web UI's clock field and the Playwright fixture's clock.advance()."""
import datetime
import re

_UNITS = {
    's': 1, 'sec': 1, 'secs': 1, 'second': 1, 'seconds': 1,
    'm': 60, 'min': 60, 'mins': 60, 'minute': 60, 'minutes': 60,
    'h': 3600, 'hr': 3600, 'hrs': 3600, 'hour': 3600, 'hours': 3600,
    'd': 86400, 'day': 86400, 'days': 86400,
    'w': 604800, 'wk': 604800, 'week': 604800, 'weeks': 604800,
}
_PART = re.compile(r'\s*(\d+(?:\.\d+)?)\s*([a-z]+)')
HELP = 'seconds (90), a timedelta, or an amount such as 90s, 15m, 3h, 2d, 1w or 1h30m'


def to_seconds(amount):
    """Seconds of an amount: a number (seconds), a datetime.timedelta, or text such as "20m"."""
    if isinstance(amount, datetime.timedelta):
        seconds = amount.total_seconds()
    elif isinstance(amount, (int, float)) and not isinstance(amount, bool):
        seconds = float(amount)
    elif isinstance(amount, str):
        text = amount.strip().lower()
        if re.fullmatch(r'\d+(?:\.\d+)?', text):
            seconds = float(text)
        else:
            seconds, index = 0.0, 0
            while index < len(text):
                m = _PART.match(text, index)
                if not m or m.group(2) not in _UNITS:
                    raise ValueError('cannot read %r: use %s' % (amount, HELP))
                seconds += float(m.group(1)) * _UNITS[m.group(2)]
                index = m.end()
                while index < len(text) and text[index] == ' ':
                    index += 1
            if not text:
                raise ValueError('an empty amount: use %s' % HELP)
    else:
        raise TypeError('cannot read %r as an amount of time: use %s' % (amount, HELP))
    if seconds < 0:
        raise ValueError('%r: the clock only moves forward here; use clock.reset() or clock.set()' % (amount,))
    return int(seconds) if float(seconds).is_integer() else seconds
