"""Links that open the course for a class: nbgitpuller on a JupyterHub, and Binder.

``python -m sciatica_course hub-link --hub https://hub.school.example`` prints the nbgitpuller
link for your hub and the Binder link, both opening the first chapter in JupyterLab. The repository
address comes from ``_config.yml`` (``repository.url`` and ``branch``), the one place it is written.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode, urlparse

import yaml

from ..data import REPO_DIR

FIRST_NOTEBOOK = "notebooks/01-welcome.ipynb"


def repository() -> tuple[str, str]:
    cfg = yaml.safe_load((REPO_DIR / "_config.yml").read_text(encoding="utf-8"))
    repo = cfg.get("repository", {})
    return repo["url"].rstrip("/"), repo.get("branch", "main")


def nbgitpuller_link(hub: str, repo_url: str, branch: str = "main", path: str = FIRST_NOTEBOOK) -> str:
    """The link that clones (or updates) the course into each learner's hub home and opens ``path``.

    nbgitpuller clones into a folder named after the repository, so the path is opened inside it.
    """
    folder = urlparse(repo_url).path.rstrip("/").split("/")[-1].removesuffix(".git")
    query = urlencode({"repo": repo_url, "branch": branch, "urlpath": f"lab/tree/{folder}/{path}"}, quote_via=quote)
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def binder_link(repo_url: str, branch: str = "main", path: str = FIRST_NOTEBOOK,
                binder: str = "https://mybinder.org") -> str:
    """mybinder.org builds the environment from requirements.txt and opens ``path`` in JupyterLab."""
    u = urlparse(repo_url)
    if u.netloc != "github.com":
        raise ValueError(f"Binder links are made for GitHub repositories here, not {repo_url}")
    owner_repo = u.path.strip("/").removesuffix(".git")
    return f"{binder.rstrip('/')}/v2/gh/{owner_repo}/{quote(branch, safe='')}?urlpath={quote('lab/tree/' + path, safe='')}"


def add_arguments(parser) -> None:
    parser.add_argument("--hub", default="https://hub.example.org", help="your JupyterHub's address")
    parser.add_argument("--path", default=FIRST_NOTEBOOK, help="the notebook to open (default: the first chapter)")


def run(args) -> int:
    url, branch = repository()
    print(f"nbgitpuller: {nbgitpuller_link(args.hub, url, branch, args.path)}")
    print(f"Binder:      {binder_link(url, branch, args.path)}")
    return 0
