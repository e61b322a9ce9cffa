// The ballot page (/vote/{pollId}): the poll's candidates, the voter's token, and the answer to the
// vote in words. The token is pasted, or comes in the URL fragment (#token=…), which browsers never
// send to a server, so it is in no access log; the page then takes it out of the address bar.
(function () {
  "use strict";
  const title = document.getElementById("poll-title");
  const status = document.getElementById("poll-status");
  const form = document.getElementById("vote-form");
  const candidates = document.getElementById("candidates");
  const tokenField = document.getElementById("token");
  const cast = document.getElementById("cast");
  const answer = document.getElementById("answer");
  const match = /^\/vote\/([0-9]{1,18})$/.exec(location.pathname);
  const pollId = match ? match[1] : null;
  let poll = null;

  function takeTokenFromFragment() {
    const token = new URLSearchParams(location.hash.slice(1)).get("token");
    if (token) {
      tokenField.value = token;
      history.replaceState(null, "", location.pathname + location.search);
    }
  }

  function say(outcome, text) {
    answer.dataset.outcome = outcome;
    answer.className = "answer " + outcome;
    answer.textContent = text;
    answer.hidden = false;
  }

  function candidateName(id) {
    const candidate = poll ? poll.candidates.find(c => c.id === id) : null;
    return candidate ? candidate.name : "candidate " + id;
  }

  function showClosed() {
    status.textContent = "This poll is closed: it no longer takes votes.";
    form.hidden = true;
  }

  function render() {
    title.textContent = poll.title;
    document.getElementById("results-link").href = "/?poll=" + poll.id;
    for (const candidate of poll.candidates) {
      const label = document.createElement("label");
      label.className = "choice";
      const radio = document.createElement("input");
      radio.type = "radio";
      radio.name = "candidate";
      radio.value = String(candidate.id);
      label.append(radio, document.createTextNode(" " + candidate.name));
      candidates.appendChild(label);
    }
    if (poll.status === "closed") {
      showClosed();
      return;
    }
    status.textContent = poll.closesAt ? "Open until " + new Date(poll.closesAt).toLocaleString() + "." : "Open.";
    form.hidden = false;
  }

  async function loadPoll() {
    if (!pollId) {
      title.textContent = "No such poll";
      return;
    }
    let response;
    try {
      response = await fetch("/api/v1/polls/" + pollId);
    } catch (e) {
      title.textContent = "Poll " + pollId;
      say("failed", "The API did not answer; reload to try again.");
      return;
    }
    if (response.status === 404) {
      title.textContent = "No such poll";
      say("refused", "There is no poll " + pollId + ".");
      return;
    }
    if (!response.ok) {
      title.textContent = "Poll " + pollId;
      say("failed", "The poll could not be loaded (HTTP " + response.status + "); reload to try again.");
      return;
    }
    poll = await response.json();
    render();
  }

  async function readJson(response) {
    try {
      return await response.json();
    } catch (e) {
      return {};
    }
  }

  function explain(response, body, chosen) {
    const retryAfter = response.headers.get("Retry-After");
    const later = retryAfter ? "in " + retryAfter + " s" : "in a moment";
    if (response.status === 202) {
      say("accepted", "Your vote for " + candidateName(chosen) + " is accepted and will be counted. Vote id: " + body.voteId + ".");
      return;
    }
    switch (body.type) {
      case "/problems/already_voted":
        say("already-voted", "You have already voted in this poll, for " + candidateName(body.candidateId)
          + " (vote id " + body.voteId + "). That vote is the one that counts.");
        break;
      case "/problems/poll_closed":
        say("closed", "This poll is closed: your vote was not taken.");
        showClosed();
        break;
      case "/problems/rate_limited":
        say("rate-limited", "Too many votes at once from this voter or address: nothing was recorded. Try again " + later + ".");
        break;
      case "/problems/service_unavailable":
        say("not-recorded", "Your vote was not recorded: the service is busy or a part of it is down. Try again " + later + ".");
        break;
      case "/problems/outcome_unknown":
        say("unknown", "It is not known yet whether your vote was recorded. Try again " + later
          + ": the answer then tells you which vote counts.");
        break;
      case "/problems/invalid_token":
        say("refused", "Your token was refused: " + body.detail + ".");
        break;
      default:
        say("refused", "The vote was refused (HTTP " + response.status + "): " + (body.detail || "no reason given") + ".");
    }
  }

  form.addEventListener("submit", async event => {
    event.preventDefault();
    const chosen = form.querySelector('input[name="candidate"]:checked');
    const token = tokenField.value.trim().replace(/^bearer\s+/i, "");
    if (!chosen) {
      say("refused", "Choose a candidate first.");
      return;
    }
    if (!token) {
      say("refused", "Paste your voter token first.");
      return;
    }
    const candidateId = Number(chosen.value);
    cast.disabled = true;
    say("pending", "Sending your vote…");
    try {
      const response = await fetch("/api/v1/polls/" + pollId + "/votes", {
        method: "POST",
        headers: {"Authorization": "Bearer " + token, "Content-Type": "application/json"},
        body: JSON.stringify({candidateId: candidateId}),
        cache: "no-store"
      });
      explain(response, await readJson(response), candidateId);
    } catch (e) {
      say("unknown", "No answer came back, so it is not known whether your vote was recorded. Try again: "
        + "retrying is safe, and the answer then tells you which vote counts.");
    } finally {
      cast.disabled = false;
    }
  });

  takeTokenFromFragment();
  loadPoll();
})();
