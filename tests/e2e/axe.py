"""axe-core, the accessibility engine, injected into pages under test.

The script comes from the npm registry as the published tarball, checked against the
integrity hash npm itself records, and is kept inside the virtualenv (it is a test tool,
like the packages in requirements-dev.txt). `python -m tests.e2e.axe --install` fetches
it; `tests/e2e/ensure-browser` calls that before the suite runs.
"""

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

VERSION = "4.14.1"
TARBALL = f"https://registry.npmjs.org/axe-core/-/axe-core-{VERSION}.tgz"
INTEGRITY = (
    "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFoo"
    "JpZe37OgudVGtQ=="
)
SCRIPT = Path(sys.prefix) / "share" / f"axe-core-{VERSION}" / "axe.min.js"

# What the checks fail on: axe's two highest impact levels.
BLOCKING_IMPACTS = ("serious", "critical")


def install() -> Path:
    """Download and verify axe.min.js once; later calls reuse it."""
    if SCRIPT.exists():
        return SCRIPT
    with urllib.request.urlopen(TARBALL, timeout=60) as response:  # noqa: S310
        tarball = response.read()
    algorithm, _, expected = INTEGRITY.partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, tarball).digest()).decode()
    if digest != expected:
        raise RuntimeError(f"axe-core {VERSION} from the npm registry failed its check")
    with tarfile.open(fileobj=io.BytesIO(tarball)) as archive:
        member = archive.extractfile("package/axe.min.js")
        SCRIPT.parent.mkdir(parents=True, exist_ok=True)
        SCRIPT.write_bytes(member.read())
    return SCRIPT


#: True once no finite CSS animation or transition is running (spinners repeat forever).
SETTLED = """() => document.getAnimations().every(
    (animation) => animation.playState !== "running"
        || animation.effect?.getTiming().iterations === Infinity
)"""


def blocking_violations(page) -> list[str]:
    """Run axe on a Playwright page; describe each serious or critical violation.

    Waits for finite animations and transitions to end first: a dialog still fading
    in is drawn at part opacity, and axe would measure its text's contrast mid-fade.
    """
    page.wait_for_function(SETTLED)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=SCRIPT.read_text())
    results = page.evaluate("async () => await axe.run(document)")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + ", ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in results["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


if __name__ == "__main__":
    if "--install" in sys.argv:
        path = install()
        sys.stdout.write(f"axe-core {VERSION}: {path}\n")
