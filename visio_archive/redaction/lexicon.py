"""Word lists used by the rule layer (all folded: lower case, no accents)."""

from __future__ import annotations

from visio_archive.redaction.numbers_fr import fold

_FIRST = """
aaron abdel abdelkader abdou adam adele adeline adrien agathe agnes ahmed aicha alain alban albert alexandra
alexandre alexia alexis alice aline alix amandine amelie anais andre andree angelique anne annick annie
anthony antoine antonin apolline armand arnaud arthur aude audrey augustin aurelie aurelien axel baptiste
barbara bastien beatrice benedicte benjamin benoit bernadette bernard bertrand blandine brigitte bruno
camille capucine carine carole caroline catherine cecile celine chantal charles charlotte chloe christelle
christian christiane christine christophe claire clara claude clemence clement colette coline constance
corentin corinne cyril cyrille damien daniel daniele danielle david delphine denis denise diane didier
dominique dorian dylan edith edouard eléonore eleonore elisa elisabeth elise eliane elodie eloise elsa
emeline emile emilie emma emmanuel emmanuelle enzo eric estelle esther ethan etienne eugenie eva evelyne
fabien fabienne fabrice fanny farid fatima fatou florence florent florian francine francis franck francois
francoise frederic frederique gabriel gabrielle gaelle gaetan genevieve geoffrey georges gerald gerard
gerome ghislaine gilbert gilles ginette gisele guillaume guy gwenael gwendoline hakim helene henri herve
hugo hugues ines irene isabelle jacqueline jacques jade jean jeanne jeannine jeremy jerome joel joelle
johan jonathan jordan joseph josette josiane julie julien juliette justine karim karima karine kevin
khadija laetitia lana laura laure laurence laurent lea lea leila leo leon leonie lina lionel lisa loic lola
louis louise luc lucas lucie lucien ludovic lydie madeleine maelle magali malik manon marc marcel
marguerite maria marianne marie marine marion martine mathieu mathilde matthieu maurice maxime medhi
mehdi melanie melissa michel micheline michele mickael mireille mohamed monique morgane muriel mustapha
myriam nadia nadine nathalie nicolas nicole noel noemie oceane odette odile olivier olivia oscar pascal
pascale patrice patricia patrick paul paulette pauline philippe pierre quentin rachel rachid raphael
raphaelle raymond regine remi remy renaud rene richard robert rodolphe roger roland romain rose
sabine sabrina salome samia samir samuel sandrine sandra sarah sebastien serge severine simon simone
solene solange sophie stephane stephanie suzanne sylvain sylvie tanguy theo therese thibault thibaut
thierry thomas timothee tristan valentin valerie vanessa veronique victor victoire vincent virginie
viviane xavier yannick yann yasmine yves yvette yvonne zoe youssef nour sofiane ibrahim moussa amadou
mamadou aminata awa kenza ines lou jules gaspard louison maël mael nolan mathis evan timeo lenny noah
baptiste gauthier gautier eloi ambroise hortense domitille eugene marius leandre sacha albane ombeline
"""

# First names that are also ordinary words: only taken when capitalised or followed by a surname.
AMBIGUOUS_FIRST = frozenset(
    "pierre claire rose marine france constance victoire olive blanche aime desire prudence grace "
    "florence patience dominique claude camille jade lou noel pascal martin marc guy rene louis "
    "jules paul simon lucas hugo leo eva lea emma ambre noah".split()
)

FIRST_NAMES = frozenset(fold(w) for w in _FIRST.split())

_SURNAMES = """
martin bernard thomas petit robert richard durand dubois moreau laurent simon michel lefebvre leroy roux
david bertrand morel fournier girard bonnet dupont lambert fontaine rousseau vincent muller lefevre
faure andre mercier blanc guerin boyer garnier chevalier francois legrand gauthier garcia perrin robin
clement morin nicolas henry roussel mathieu gautier masson marchand duval denis dumont marie lemaire
noel meyer dufour meunier brun blanchard giraud joly riviere lucas brunet gaillard barbier arnaud
martinez gerard roche renard schmitt roy leroux colin vidal caron picard roger fabre aubert lemoine
renaud dumas lacroix olivier philippe bourgeois pierre benoit rey leclerc payet rolland leclercq
guillaume lecomte lopez jean dupuy guillot hubert berger carpentier sanchez dupuis moulin louis
deschamps huet vasseur perez boucher fleury royer klein jacquet adam paris poirier marty aubry guyot
carre charles renault charpentier menard maillard baron bertin bailly herve schneider fernandez
collet leger bouvier julien prevost millet perrot daniel le cousin germain breton besson langlois remy
pelletier leveque perrier leblanc barre lebrun marchal weber mallet hamon boulanger jacob monnier
michaud rodriguez guichard gillet etienne grondin poulain tessier chevallier collin chauvin da bouchet
gay lemaitre benard marechal humbert reynaud antoine hoarau perret barthelemy cordier pichon lejeune
gilbert lamy delaunay pasquier carlier laporte gall kerleroux lefranc bouchard besnard tanguy bihan
le-gall quere lebreton diallo traore ndiaye sy diop benali haddad mansouri bensaid khelifi nguyen tran
"""
SURNAMES = frozenset(fold(w) for w in _SURNAMES.split())

PARTICLES = frozenset("de du des d la le les l van von der den di da del della dos ben ben el al mac mc saint "
                      "sainte st ste".split())

CIVILITIES = (
    "monsieur", "madame", "mademoiselle", "messieurs", "mesdames", "maitre", "docteur", "professeur",
    "m.", "mme", "mlle", "mr", "mrs", "ms", "me", "dr", "pr", "mister", "miss", "doctor", "sir",
)

# Titles and roles: "Monsieur le ministre", "Madame la préfète" are not names.
TITLES = frozenset(fold(w) for w in """
ministre president presidente prefet prefete directeur directrice maire depute deputee senateur senatrice
rapporteur rapporteure secretaire conseiller conseillere delegue deleguee chef cheffe sous-prefet
sous-prefete inspecteur inspectrice commissaire recteur rectrice juge procureur procureure greffier
greffiere adjoint adjointe general generale administrateur administratrice chargee charge responsable
coordinateur coordinatrice docteur professeur doyen doyenne garde gouverneur ambassadeur ambassadrice
consul intervenant intervenante le la les l
""".split())

STOP = frozenset(fold(w) for w in """
a à au aux avec ce c cela ça ces cet cette chez comme dans de des du donc elle elles en entre est et
etait été être eu il ils je j la le les leur leurs lui ma mais me mes moi mon ne ni nos notre nous on ont
ou où par pas pour qu que qui sa se ses si son sont sur ta te tes toi ton tu un une vos votre vous y
alors aussi bien bon bonjour bonsoir merci oui non voilà voila puis ensuite tout tous toute toutes très
va vais vont fait faire dit dire peut peux veux veut avez avons ai as sera serait sont suis es sommes
êtes etes ici là la-bas cela ceci quand depuis pendant après avant encore déjà deja juste même meme
plus moins trop peu beaucoup chaque autre autres quel quelle quels quelles dont lorsque parce car sans
sous vers hier demain aujourd aujourdhui maintenant ok okay euh hum ben bah hein allez voici
excusez pardon svp s'il stp point rue avenue boulevard place chemin
""".split())

PUBLIC_BODIES = frozenset(fold(w) for w in """
dinum cnrs insee anssi cnil dgfip drees dares urssaf caf cpam ars dreal dgesco dgsi dgse sgg sgdsn ena inet
inp igf igas iga cour conseil senat assemblee elysee matignon bercy etalab dila dinsic ademe bpifrance
onf ofb cerema ign meteo-france pole emploi france travail apec afpa anah anru anct dgcl dgs dgos dgt
inserm inria cea ird inrae cnes ifremer anr hceres crous onisep cned ministere prefecture mairie
region departement rectorat education nationale gouvernement etat republique europe union commission
""".split())
