// Placeholder until the real web app lands: asks the server whether it is
// healthy and says so on the page.
const status = document.getElementById("status");

async function check() {
  try {
    const res = await fetch("/healthz", { headers: { Accept: "application/json" } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    status.textContent = "server ok";
    status.className = "status ok";
  } catch (err) {
    status.textContent = `server not reachable (${err.message})`;
    status.className = "status bad";
  }
}

check();
