"""requests-oauthlib baseline: refreshes with OAuth2Session.refresh_token in a loop.

Driven over stdin/stdout by the authdeck-bench binary so that its rounds interleave with the
other methods:
  first line in:  {"token_url": ..., "client_id": ..., "token": {token response JSON}}
  then per round: "N" in -> a JSON list of N durations in nanoseconds out
oauthlib refuses http:// token URLs unless OAUTHLIB_INSECURE_TRANSPORT=1; the provider is on
loopback, so the caller sets it.
"""

import json
import sys
import time

from requests_oauthlib import OAuth2Session


def main() -> None:
    setup = json.loads(sys.stdin.readline())
    token_url, client_id = setup["token_url"], setup["client_id"]
    session = OAuth2Session(client_id, token=setup["token"])
    print("ready", flush=True)
    for line in sys.stdin:
        count = int(line)
        durations = []
        for _ in range(count):
            started = time.perf_counter_ns()
            session.refresh_token(
                token_url, refresh_token=session.token["refresh_token"], client_id=client_id
            )
            durations.append(time.perf_counter_ns() - started)
        print(json.dumps(durations), flush=True)


if __name__ == "__main__":
    main()
