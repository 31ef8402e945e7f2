"""The chain from problem to result in the demo's current periods (exchange/demo_current.py):
**invented** prioritised problems with their probable causes, and the plan rows tied to the
problem they address, so that Kedjan shows whole chains, and one gap, on whatever day the
demo is loaded. The seeds' own problem pictures are left as they are."""

from actionplans.models import ActionItem
from agreements.models import ProblemArea, ProblemItem, ProblemPicture

# (problem, probable causes, words of a row's goal or activity that address it). The last
# problem is addressed by no row: the chain's gaps have something to show.
PROBLEMS = (
    (
        "Unga som dras in i kriminalitet, alkohol och narkotika",
        "Tidig debut i alkohol och narkotika, svag anknytning till skolan och få vuxna som "
        "ser de unga på fritiden.",
        (
            "unga",
            "ungdom",
            "andt",
            "narkotika",
            "sociala insatsgrupper",
            "sspf",
            "elev",
            "kronoberg",
            "linköping",
            "rökfri",
            "lvm",
            "riskzon",
        ),
    ),
    (
        "Otrygghet i centrum och på offentliga platser kvällstid",
        "Få vuxna ute kvällstid, dålig belysning och skadegörelse som inte åtgärdas.",
        (
            "trygg",
            "vandring",
            "ordning",
            "krog",
            "vuxna på stan",
            "grannsamverkan",
            "fastighet",
            "synlig",
            "öppet möte",
        ),
    ),
    (
        "Hastighets- och nykterhetsöverträdelser nära skolor och bostäder",
        "Vägar utformade för högre fart än de används för, och få kontroller.",
        ("hastighet", "trafik", "nykterhet"),
    ),
    (
        "Våld i nära relationer anmäls sällan",
        "Våldet sker dolt, och de utsatta vet inte vart de kan vända sig.",
        (),
    ),
)
AREA_TITLE = "Prioriterade problem"


def tie_demo_problems(agreements) -> None:
    """For each agreement whose problem picture holds no problem yet: PROBLEMS, and its rows
    tied to the problems their words name. Loading again changes nothing."""
    for agreement in agreements:
        picture, _made = ProblemPicture.objects.get_or_create(agreement=agreement)
        if ProblemItem.objects.filter(area__problem_picture=picture).exists():
            continue
        area = ProblemArea.objects.create(
            problem_picture=picture, position=picture.areas.count() + 1, title=AREA_TITLE
        )
        problems = [
            (ProblemItem.objects.create(area=area, position=n, text=text, probable_causes=c), w)
            for n, (text, c, w) in enumerate(PROBLEMS, start=1)
        ]
        ties = ActionItem.problem_items.through
        rows = ActionItem.objects.filter(plan__agreement=agreement).values_list(
            "pk", "goal", "activity"
        )
        ties.objects.bulk_create(
            ties(actionitem_id=pk, problemitem_id=problem.pk)
            for pk, goal, activity in rows
            for problem, words in problems
            if any(word in f"{goal} {activity}".lower() for word in words)
        )
