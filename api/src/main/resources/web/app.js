// The live results page: open polls on the left; for the chosen one, a bar per candidate fed by
// the poll's Server-Sent Events stream. No framework and no build step: text goes in with
// textContent only, so a poll title can never inject markup.
(function () {
  "use strict";
  const pollsList = document.getElementById("polls");
  const section = document.getElementById("poll");
  const empty = document.getElementById("empty");
  const bars = document.getElementById("bars");
  const connection = document.getElementById("connection");
  let source = null;

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

  function renderPolls(polls, current) {
    pollsList.replaceChildren();
    for (const poll of polls) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = "?poll=" + poll.id;
      link.textContent = poll.title;
      link.dataset.pollId = String(poll.id);
      if (String(poll.id) === current) {
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

  function watch(pollId) {
    if (source) {
      source.close();
    }
    bars.replaceChildren();
    document.getElementById("vote-link").href = "/vote/" + pollId;
    section.hidden = false;
    source = new EventSource("/api/v1/polls/" + pollId + "/results/stream");
    source.addEventListener("results", event => {
      setConnection("live", "live");
      renderResults(JSON.parse(event.data));
    });
    // EventSource reconnects by itself (the server ends each stream after a while and says retry: 1000)
    source.onerror = () => setConnection("down", "reconnecting…");
  }

  async function start() {
    let polls;
    try {
      polls = await loadPolls();
    } catch (e) {
      pollsList.replaceChildren();
      const item = document.createElement("li");
      item.className = "muted";
      item.textContent = "The API did not answer; reload to try again.";
      pollsList.appendChild(item);
      return;
    }
    const current = selectedPollId() || (polls.length > 0 ? String(polls[0].id) : null);
    renderPolls(polls, current);
    if (current) {
      watch(current);
    } else {
      empty.hidden = false;
    }
  }

  start();
})();
