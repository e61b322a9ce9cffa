// The live results page: open polls on the left (refreshed every few seconds); for the chosen one,
// a bar per candidate fed by the poll's Server-Sent Events stream. No framework and no build step:
// text goes in with textContent only, so a poll title can never inject markup.
(function () {
  "use strict";
  const REFRESH_POLLS_MS = 15000;
  // The server ends each stream after a while and says "retry: 1000": a renewal takes about a
  // second, so the badge says "reconnecting…" only when the stream stays away longer than that.
  const RECONNECT_GRACE_MS = 3000;
  const RETRY_FAILED_MS = 5000;
  const pollsList = document.getElementById("polls");
  const section = document.getElementById("poll");
  const empty = document.getElementById("empty");
  const bars = document.getElementById("bars");
  const connection = document.getElementById("connection");
  let source = null;
  let current = null;
  let reconnecting = null;
  let retry = null;

  function selectedPollId() {
    const id = new URLSearchParams(location.search).get("poll");
    return id && /^[0-9]{1,18}$/.test(id) ? id : null;
  }

  async function loadPolls() {
    const response = await fetch("/api/v1/polls?status=open&limit=50");
    if (!response.ok) {
      throw new Error("polls: HTTP " + response.status);
    }
    return (await response.json()).items;
  }

  function renderPolls(polls, selected) {
    pollsList.replaceChildren();
    for (const poll of polls) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = "?poll=" + poll.id;
      link.textContent = poll.title;
      link.dataset.pollId = String(poll.id);
      if (String(poll.id) === selected) {
        link.className = "selected";
      }
      item.appendChild(link);
      pollsList.appendChild(item);
    }
    if (polls.length === 0) {
      const item = document.createElement("li");
      item.className = "muted";
      item.textContent = "none";
      pollsList.appendChild(item);
    }
  }

  function bar(candidate) {
    const item = document.createElement("li");
    item.className = "bar";
    item.dataset.candidateId = String(candidate.candidateId);
    const label = document.createElement("div");
    label.className = "label";
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = candidate.name;
    const votes = document.createElement("span");
    votes.className = "votes";
    label.append(name, votes);
    const track = document.createElement("div");
    track.className = "track";
    const fill = document.createElement("div");
    fill.className = "fill";
    track.appendChild(fill);
    item.append(label, track);
    return item;
  }

  function renderResults(results) {
    document.getElementById("poll-title").textContent = results.title;
    document.getElementById("poll-status").textContent = results.status;
    document.getElementById("total").textContent = String(results.totalVotes);
    document.getElementById("votes-word").textContent = results.totalVotes === 1 ? "vote" : "votes";
    const asOf = document.getElementById("as-of");
    asOf.dateTime = results.asOf;
    asOf.textContent = new Date(results.asOf).toLocaleTimeString();
    const max = Math.max(1, ...results.results.map(r => r.votes));
    for (const candidate of results.results) {
      let item = bars.querySelector('[data-candidate-id="' + candidate.candidateId + '"]');
      if (!item) {
        item = bar(candidate);
        bars.appendChild(item);
      }
      item.dataset.votes = String(candidate.votes);
      item.querySelector(".votes").textContent = String(candidate.votes);
      item.querySelector(".fill").style.width = (100 * candidate.votes / max).toFixed(1) + "%";
    }
  }

  function setConnection(state, text) {
    connection.className = "badge " + state;
    connection.textContent = text;
  }

  function clearTimers() {
    clearTimeout(reconnecting);
    clearTimeout(retry);
    reconnecting = null;
    retry = null;
  }

  /** The stream failed for good (EventSource gives up on an answer other than a stream): is the poll there at all? */
  async function streamFailed(pollId) {
    let response = null;
    try {
      response = await fetch("/api/v1/polls/" + pollId);
    } catch (e) {
      // the API is away: try again below
    }
    if (pollId !== current) {
      return;
    }
    if (response && response.status === 404) {
      setConnection("down", "no such poll");
      document.getElementById("poll-title").textContent = "No such poll";
      document.getElementById("poll-status").textContent = "poll " + pollId + " does not exist";
      bars.replaceChildren();
      return;
    }
    setConnection("down", "reconnecting…");
    retry = setTimeout(() => watch(pollId, false), RETRY_FAILED_MS);
  }

  function watch(pollId, fresh) {
    if (source) {
      source.close();
    }
    clearTimers();
    current = pollId;
    if (fresh) {
      bars.replaceChildren();
    }
    document.getElementById("vote-link").href = "/vote/" + pollId;
    section.hidden = false;
    empty.hidden = true;
    const stream = new EventSource("/api/v1/polls/" + pollId + "/results/stream");
    source = stream;
    stream.addEventListener("results", event => {
      clearTimeout(reconnecting);
      reconnecting = null;
      const results = JSON.parse(event.data);
      // a closed poll's counts may still grow (votes accepted before the close), but it is not "live"
      setConnection(results.status === "closed" ? "closed" : "live", results.status === "closed" ? "closed" : "live");
      renderResults(results);
    });
    stream.onerror = () => {
      if (stream !== source) {
        return;
      }
      if (stream.readyState === EventSource.CLOSED) {
        streamFailed(pollId);
      } else if (reconnecting === null) {
        reconnecting = setTimeout(() => setConnection("down", "reconnecting…"), RECONNECT_GRACE_MS);
      }
    };
  }

  function showPollsError() {
    pollsList.replaceChildren();
    const item = document.createElement("li");
    item.className = "muted";
    item.textContent = "The API did not answer; reload to try again.";
    pollsList.appendChild(item);
  }

  async function refreshPolls() {
    let polls;
    try {
      polls = await loadPolls();
    } catch (e) {
      return;  // keep the list shown; the next refresh tries again
    }
    if (!current && polls.length > 0) {
      watch(String(polls[0].id), true);
    }
    renderPolls(polls, current);
  }

  async function start() {
    let polls;
    try {
      polls = await loadPolls();
    } catch (e) {
      showPollsError();
      return;
    }
    const chosen = selectedPollId() || (polls.length > 0 ? String(polls[0].id) : null);
    renderPolls(polls, chosen);
    if (chosen) {
      watch(chosen, true);
    } else {
      empty.hidden = false;
    }
    setInterval(() => {
      if (document.visibilityState === "visible") {
        refreshPolls();
      }
    }, REFRESH_POLLS_MS);
  }

  start();
})();
