# ruff: noqa: SIM905  (word lists are written as whitespace-separated strings)
"""Word lists used by the rule layer (all folded: lower case, no accents)."""

from __future__ import annotations

import functools

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
desiree aimee andree renee rene desire maximilienne adrienne fabienne damienne vivienne emilienne julienne
lucienne christiane simone yvonne paule pascale danielle michelle raphaelle joelle noelle gabrielle
emmanuelle bernardine georgette henriette jacqueline josette juliane louisette marcelle mauricette
micheline paulette pierrette raymonde rolande yvette albertine alphonsine antoinette augustine clementine
ernestine eugenie fernande francine huguette jeannette leontine lucienne madeleine mariette odette
octavie adelaide benedicte celestin edmee fulbert guenievre hippolyte lazare norbert prosper radegonde
severin thais urbain zenon jean-remi marie-ange luc-olivier anne-elise tarik ousmane fatou leila

abel achille adelaide adelie adele adrienne agnes aimee alba albane albertine aldo alexandrine alfred alix
alphonse amaury ambre amedee amelia anatole andrea ange angele angelina anissa annabelle annaelle anne-laure
anne-marie anne-sophie anthime antonia apolline ariane aristide arlette armelle arnold astrid audren auguste
augustine aure aurore axelle aymeric aziz barnabe basile baudouin beatrix benedict benoite berenice bernadette
berthe bertille blaise boris brice brieuc brigitte calixte candice capucine carla carmen cassandre cecilia
celestin celestine cesar chantal charlene charline christian christophe clarisse claudine clelia clementine
clothilde clotilde colombe come constant cyprien cyrielle daphne delphin desire diego dimitri dina dolores
donatien dorothee edgar edmond edwige eglantine eleonore eliott elie elina eline eliott ella elliot eloane
elouan eloise elvire emilien emilienne emmy enguerrand eole ernest erwan erwann esteban estelle ethel eudes
eugenie eulalie evan evelyne fabienne faustine felicie felicien felix ferdinand fernand fernande flavie
flavien flora flore florian florine fortune francine franck frida gabin gaelle gaetane gaspard gauthier
gautier genevieve geraldine germain germaine gervais ghislain gildas gisele gladys gregoire gregory guenole
guillemette gustave gwenaelle gwendal gwenola gwladys hector helena heloise henriette herminie hippolyte
honore honorine hortense huguette ignace ilan ilona ingrid irene iris isaac isidore ivan jacky jacob jasmine
jean-baptiste jean-charles jean-christophe jean-claude jean-francois jean-jacques jean-louis jean-luc
jean-marc jean-marie jean-michel jean-noel jean-paul jean-philippe jean-pierre jean-yves jeannine jessica
joachim joan joanna jocelyne johanna jonas josephine josselin judith jules julia julian juliane juliette
justin kelly killian kylian laetitia lambert laurene laurine lazare leandre leane leila leonard leonce
leonie leopold lilian liliane lilou line lise lorraine lou-anne louise-marie louisette luc lucette ludivine
lydia lyna maddalena madeleine maelys maeva mahaut maia malo marcelle marcelin margaux margot marie-anne
marie-agnes marie-christine marie-claire marie-france marie-helene marie-laure marie-louise marie-noelle
marie-pierre marie-therese marina marius marjorie marthe martial martin maryse mathias mathurin maud
maximilien maxence mederic melaine melodie melvin mickael milo mireille modeste morgan murielle nadege
naelle naomi narcisse nathan nelly nestor nina ninon noa noelie noemie norbert octave odilon ophelie
oriane orlane oscar osvaldo ouarda pacome paloma paul-henri pauline penelope perrine philibert philomene
pierre-alain pierre-antoine pierre-louis pierre-yves placide primael priscilla prosper prune quitterie
rachel raoul raphaelle raymonde rebecca regis reine remi renee roch rodrigue romane romeo ronan rosalie
rosine roxane ruben sabine sacha salome samson sandrine sarah sebastien segolene serena servane severin
sibylle sidonie sixtine soizic solenn sonia stanislas sybille sylvestre tatiana teddy tessa thaddee
thelma theodore theophile theotime thibaud tiphaine titouan toinette ulysse urbain valentine valere
valery vianney victoria victorine violaine violette virgile vivien wandrille wilfried william wladimir
xaviere yoann yolande yohan youna yvelise zacharie zelie zephyrin aissatou fatoumata adama bintou aminata
mariama kadiatou oumou djeneba hawa ramatoulaye souleymane ousmane boubacar seydou cheikh abdoulaye
ibrahima lamine modibo issa idrissa khalil nabil nordine rachida zinedine walid yacine yassine bilal
hamza ayoub anas ilyes imane nawel sabrina sarah soraya wassila yanis rayan amine mohammed mohamed
malika nadia naima samira zohra farida fatiha houria jamila karima latifa leila meriem ouarda rania
salima siham souad wahiba hakima djamila kamel mourad rachid said salim tarek toufik yazid abdel
abdelkrim abdellah abderrahmane adel ali amar hocine kader lakhdar mehdi mustapha nacer omar reda
slimane youcef zakaria thi thanh minh linh huong lan mai nguyet anh tuan quang hung duc van long
giovanni giuseppe lorenzo marco matteo paolo francesco antonio carlos jose manuel miguel pedro rafael
sergio ana beatriz carolina elena isabel lucia sofia teresa pablo alejandro javier joao rui tiago
kevin dylan jordan bryan jason steven brandon cindy jennifer stephanie audrey elodie emilie laura
kylian lenny loris lorenzo mael maelle marceau matheo mathys nael nathanael noam sohan timeo tom
valentin warren yannis zayn alya ambre anaelle apolline assia capucine elsa emy giulia inaya jade
kaina lana lena lina lise louane luna mila mya nour olivia rose sofia thais victoire yasmine zelie

amina aminata amine amira anouar asma assia aziza badr bouchra chaima chaimae dounia driss farah fouad ghizlane
habib hafsa hanane hassan hicham houda ilham imad inès jalil jamal kamal kawtar khadija khalid layla lamia leila
loubna mariam marouane meryem mohamed mounir mustafa nadir najat nassim nisrine noureddine oussama rachida
rahma redouane safia said saida salma samir sanaa sofiane soufiane souhila taha tarik wafa walid yassir youssef
younes zakia zineb zohra abdelaziz abdelhak abdellatif abdelmajid abderrahim ahmad akram anis ayman aymen bachir
chakib djamel fethi hamid hocine ismail kader lyes madjid mahdi mehdi mokhtar nabila nadia naoufel noura omar
rachid riad ryad sami selim sihem slimane yacine yasmina zahia zoubida
aboubacar adja alassane alpha amadou aminata assane aissata awa babacar bakary binta cheikh coumba demba diarra
fanta fatou fatoumata hamidou ibrahima issa kadidia khady lamine malick mamadou mariama modou moussa ndeye
oumar ousmane penda rokia saliou samba seydou sokhna souleymane tidiane yacouba youssouf kofi kwame kwabena
ama akosua abena yaw ngozi chinedu chiamaka chidi emeka ifeoma nkechi obinna oluwaseun adebayo ayodele babajide
folake funmilayo tunde yemi amara sekou mariatou boubacar djibril habiba kadiatou nafissatou salif
nguyen thi thanh minh huong hoa lan linh mai ngoc phuong quynh trang tuan anh duc dung hai hung khanh long
nam phong quang son thang trung vinh wei jun li ming hui yan ying xiaoming xiao jing lei hao jie qiang hua
yu chen zhang liu jian feng mei lian hiroshi haruka kenji yuki akiko takeshi sakura hana yuna minjun jiwoo
seo-yeon ji-hoon
giulia giovanna chiara francesca alessandra alessandro andrea antonio davide federico gianluca luca marco
matteo paolo pietro roberto salvatore simone stefano valentina vincenzo lorenzo riccardo emanuele
alejandro alvaro carmen diego dolores enrique esperanza francisco guadalupe ignacio jaime javier jesus jorge
josefa juan julio luis manuela mercedes miguel pilar rafael ramon rocio santiago sergio teresa xabier iñaki
inaki itziar maialen aitor ainhoa gorka unai amaia edurne mikel ane irati nerea josu koldo eneko
joao jose luis manuel maria ana antonio fernando goncalo ines joana mariana miguel nuno pedro rui sofia tiago
vasco beatriz catarina filipa rita
wojciech piotr pawel tomasz krzysztof marek agnieszka katarzyna malgorzata magdalena ewa anna joanna barbara
dragan milena dusan nikola stefan ivana jelena marija milan zoran goran bojan aleksandar ana tijana
dimitri ivan olga natalia svetlana tatiana yuri sergei vladimir anastasia ekaterina irina alexei mikhail
andreea ioana mihai andrei alexandru elena cristina gabriela bogdan florin razvan teodora
mehmet ahmet ayse fatma emine hatice mustafa ali huseyin murat emre burak elif zeynep merve hakan serkan
anahid anahit araxie arto armen ara garo hovhannes nairi sevan taline vartan
maiwenn maïwenn gwenael gwenaël gwenola erwan yannig loeiz tangi nolwenn morgane soazig soizic katell
enora ewen goulven gaid mael yann ronan tudal brendan gaëlle malo riwal
xavier pantxika peio mattin txomin beñat
ravindran ravi priya lakshmi anand arjun deepak kiran krishna meena pooja rahul rajesh sanjay shankar
suresh vijay anjali divya sunita vikram nandini
hery tiana fanja mamy voahirana rivo haja
ingrid johansson lars sven nils astrid bjorn björn freya sigrid karin erik olaf
siobhan sean declan aoife ciara niamh padraig eoin cillian orla
john james robert michael william david richard joseph thomas charles christopher daniel matthew anthony
mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason jeffrey ryan
jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel gregory alexander
frank patrick raymond jack dennis jerry tyler aaron henry adam douglas nathan peter zachary kyle walter
harold jeremy ethan carl keith roger gerald christian terry sean arthur austin noah lawrence jesse joe
bryan billy jordan albert dylan bruce willie gabriel alan juan logan wayne ralph roy eugene randy vincent
russell louis philip bobby johnny bradley mary patricia jennifer linda elizabeth barbara susan jessica
sarah karen nancy lisa betty margaret sandra ashley kimberly emily donna michelle dorothy carol amanda
melissa deborah stephanie rebecca sharon laura cynthia kathleen amy shirley angela helen anna brenda pamela
nicole emma samantha katherine christine debra rachel catherine carolyn janet ruth maria heather diane
virginia julie joyce victoria olivia kelly christina lauren joan evelyn judith megan cheryl andrea hannah
martha jacqueline frances gloria ann teresa kathryn sara janice jean alice madison doris abigail julia
judy grace denise amber marilyn beverly danielle theresa sophia marie diana brittany natalie isabella
charlotte rose alexis kayla gareth siân rhys owen dylan megan bethan cerys tanisha keisha jamal darnell
tyrone shanice lakisha aisha fatima hiroshi tomasz carlos mendoza priya declan chiamaka kwame lucia
pavel petr jiri jan jana lukas tomas ondrej martina katerina tereza zuzana jakub vojtech radek miroslav
andrzej jacek marcin michal grzegorz lukasz dorota iwona beata elzbieta kasia zofia oskar igor boris olena
oksana taras bohdan yulia dmitri nikolai pyotr thandiwe sipho themba nomvula zanele lwazi busisiwe
kgosi naledi tendai farai chipo rudo tatenda amani baraka imani neema zawadi juma wanjiru njeri kamau
otieno achieng akinyi mwangi aroha wiremu ngaio keanu kalani leilani mahina
"""

# First names that are also ordinary words: only taken when capitalised or followed by a surname.
AMBIGUOUS_FIRST = frozenset(
    "pierre claire rose marine france constance victoire olive blanche aime desire prudence grace "
    "esperance fidele florence patience dominique claude camille jade lou noel pascal martin marc guy rene louis "
    "jules paul simon lucas hugo leo eva lea emma ambre noah".split()
)

FIRST_NAMES = frozenset(fold(w) for w in _FIRST.split())

# First names of the list that are also ordinary French words or places ("mai", "reine", "prune", "milan"):
# alone, with no surname after them, they stay words.  The model's lemma tables also hold many names
# ("morgane", "julien", "guillaume"), so "in the dictionary" alone does not say a first name is a word.
WORDLIKE_FIRST = AMBIGUOUS_FIRST | frozenset(fold(w) for w in """
alpha ange aurore auguste capucine colombe constant fortune line long mai modeste octave placide prune reine
son urbain violette flore lorraine milan duc van martial sylvestre germain marguerite narcisse honore pascale
maxime baptiste amine ara mamy samba gloria oscar romane diane bernard jack mark scott lei li hui hao long
ana victoria florin valentin valentine benjamin olivier clement
""".split())

_SURNAMES = """
martin bernard thomas petit robert richard durand dubois moreau laurent simon michel lefebvre leroy roux
david bertrand morel fournier girard bonnet dupont lambert fontaine rousseau vincent muller lefevre
faure andre mercier blanc guerin boyer garnier chevalier francois legrand gauthier garcia perrin robin
clement morin nicolas henry roussel mathieu gautier masson marchand duval denis dumont marie lemaire
noel meyer dufour meunier brun blanchard giraud joly riviere lucas brunet gaillard barbier arnaud
martinez gerard roche renard schmitt roy leroux colin vidal caron picard roger fabre aubert lemoine
renaud dumas lacroix olivier philippe bourgeois pierre benoit rey leclerc payet rolland leclercq
guillaume lecomte lopez jean dupuy guillot hubert berger carpentier sanchez dupuis moulin louis
deschamps huet vasseur perez boucher fleury royer klein jacquet adam poirier marty aubry guyot
carre charles renault charpentier menard maillard baron bertin bailly herve schneider fernandez
collet leger bouvier julien prevost millet perrot daniel le cousin germain breton besson langlois remy
pelletier leveque perrier leblanc barre lebrun marchal weber mallet hamon boulanger jacob monnier
michaud rodriguez guichard gillet etienne grondin poulain tessier chevallier collin chauvin da bouchet
gay lemaitre benard marechal humbert reynaud antoine hoarau perret barthelemy cordier pichon lejeune
gilbert lamy delaunay pasquier carlier laporte gall kerleroux lefranc bouchard besnard tanguy bihan
le-gall quere lebreton diallo traore ndiaye sy diop benali haddad mansouri bensaid khelifi nguyen tran
"""
SURNAMES = frozenset(fold(w) for w in _SURNAMES.split())

PARTICLES = frozenset(fold(w) for w in "de du des d la le les l van von der den di da del della dos ben ben el al mac "
                      "mc saint sainte st ste ní ó ua nic mhic bin bint ibn abu ould los las das".split())

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

# Words that NER sometimes takes for a name, and that never are one in a meeting.
# The particles a surname carries before it in lower-case speech ("de la cruz", "van der berg", "ben ali"),
# as a regex alternation for the name rules (PARTICLES above also holds "saint", "les", "l" ...).
SURNAME_PARTICLE_ALT = "de|del|della|da|di|du|des|dos|van|von|der|den|ten|ter|le|la|el|al|ben|bin|abu|ibn"

# Month names, accent-folded: a date, not a name or a town ("le 3 mars", "since may").
MONTHS_FR = frozenset("janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre".split())
MONTHS_EN = frozenset("january february march april may june july august september october november december"
                      .split())
MONTHS = MONTHS_FR | MONTHS_EN
# Day and month names and their written abbreviations ("Tue 9am", "Jan–Apr", "lun. 14 h"): several are first
# names too (Jan, Tue, June, May, Avril), so only what surrounds them says which (detector._calendar_word).
CALENDAR_WORDS = MONTHS | frozenset("""
jan feb mar apr jun jul aug sep sept oct nov dec
mon tue tues wed thu thur thurs fri sat sun monday tuesday wednesday thursday friday saturday sunday
janv fevr avr juil sept lun mar mer jeu ven sam dim lundi mardi mercredi jeudi vendredi samedi dimanche
""".split())

# Ranks and offices said right before a surname ("le lieutenant gomes", "the inspector walsh").
RANKS = frozenset(fold(w) for w in """
lieutenant capitaine commandant colonel adjudant adjudante brigadier sergent sergente caporal gendarme
ds di dc dci dsi sgt insp supt
commissaire inspecteur inspectrice juge lieutenant-colonel brigadier-chef adjudant-chef
inspector sergeant captain officer detective constable judge councillor councilor commander superintendent
cllr rev revd reverend pastor rabbi imam
rapporteur rapporteure greffier greffiere assesseur assesseure mediateur mediatrice
""".split())

NON_NAMES = frozenset(fold(w) for w in """
iban rib bic nir cb insee secu tel mail email courriel visio zoom teams ok merci bonjour bonsoir salut mister missus
moien iaorana kia ora mauruuru bonjou mesi mbote jambo salam salaam akwaaba sawubona
bula talofa namaste namaskar aloha kumusta mingalaba sawasdee habari
vanakkam whaea koutou ka pai sat sri akal
aah aeeh rqth pch ame apl als alf aspa asi ash apa cmg ulis sessad itep ime esat segpa upe2a rased avs aesh
parfait rien surtout vraiment justement exactement effectivement pourtant evidemment enfants tutelles libertes referes
monsieur madame messieurs mesdames allo allô voila voilà euh hum bah ben ordre jour compte rendu
legifrance chorus franceconnect tchap tchat chat resana osmose webconf webinaire github gitlab outlook excel word
powerpoint linkedin twitter youtube google microsoft slack jira confluence sharepoint wikipedia
lundi mardi mercredi jeudi vendredi samedi dimanche janvier fevrier mars avril mai juin juillet aout
septembre octobre novembre decembre
visa mastercard maestro amex paypal lydia paylib swift sepa apologies absents excuses garda gardai vitale
whatsapp telegram signal skype webex eurostar thalys europol eurojust frontex interpol olaf erasmus horizon
fraunhofer
doctolib ameli parcoursup pronote mesrdv aglae ants uber heetch bolt blablacar leboncoin vinted airbnb deliveroo
snapchat instagram facebook tiktok messenger wave moneygram
data cloud open source design sprint backlog feedback workshop meeting call deadline process digital agile
scrum product owner team lead manager business marketing startup kick off follow up checkpoint benchmark
dashboard reporting planning roadmap newsletter webinar slide slides deck board stand daily weekly review
release deploy build test tests bug bugs ticket tickets user users story stories api front back end devops
cyber security privacy compliance legal tech chat onboarding offboarding coaching mentoring brainstorming
live replay podcast hackathon datalab lab labs kpi kpis okr okrs mvp poc beta alpha prod staging
copil codir comex cotech cosui cosuite coproj comop copil comite seminaire point hebdo bilan revue
plateforme atelier webinaire pleniere visioconference audioconference reunion conference
""".split())

PUBLIC_BODIES = frozenset(fold(w) for w in """
dinum cnrs insee anssi cnil dgfip drees dares urssaf caf cpam ars dreal dgesco dgsi dgse sgg sgdsn ena inet
inp igf igas iga cour conseil senat assemblee elysee matignon bercy etalab dila dinsic ademe bpifrance
onf ofb cerema ign meteo-france pole emploi france travail apec afpa anah anru anct dgcl dgs dgos dgt
inserm inria cea ird inrae cnes ifremer anr hceres crous onisep cned ministere prefecture mairie
region departement rectorat education nationale gouvernement etat republique europe union commission
arcep ofii anact dreets deets acoss cnaf msa agirc arrco agirc-arrco ineris onera afnor bpi arcom hadopi
ansm has anses cnsa cnav dgccrf dgddi dgafp dgri dgesip dgcs cnous cnfpt drac ddt ddpp ddets dgaln sga
inao inca anap ans atih cnam cnamts dss dsn dns drjscs ars ademe cdc cgdd cese ccne cada cnnum igesr
prefet prefete senat elysee beauvau segur grenelle bercy quai orsay brienne balard hotel ministeres
metropole agglomeration communaute communes conseil departemental regional municipal
""".split())

# Frequent English-language surnames (US census and UK/Irish lists), many of them ordinary words
# ("baker", "wood", "young", "park"): after a first name they are a surname, not a noun.
EN_SURNAMES = frozenset(fold(w) for w in """
smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez wilson
anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez clark ramirez lewis robinson
walker young allen king wright scott torres nguyen hill flores green adams nelson baker hall rivera campbell
mitchell carter roberts gomez phillips evans turner diaz parker cruz edwards collins reyes stewart morris morales
murphy cook rogers gutierrez ortiz morgan cooper peterson bailey reed kelly howard ramos kim cox ward richardson
watson brooks chavez wood james bennett gray grey mendoza ruiz hughes price alvarez castillo sanders patel myers
long ross foster jimenez powell jenkins perry russell sullivan bell coleman butler henderson barnes fisher
vasquez simmons romero jordan patterson alexander hamilton graham reynolds griffin wallace moreno west cole hayes
bryant herrera gibson ellis tran medina aguilar stevens murray ford castro marshall owens harrison fernandez
mcdonald woods washington kennedy vargas henry chen freeman webb tucker guzman burns crawford olson simpson
porter hunter gordon mendez silva shaw snyder mason dixon munoz hunt hicks holmes palmer wagner black robertson
boyd rose stone salazar fox warren mills meyer rice schmidt garza daniels ferguson nichols stephens soto weaver
ryan gardner payne grant dunn kelley spencer hawkins arnold pierce hansen peters santos hart bradley knight
elliott cunningham duncan armstrong hudson carroll riley andrews ray berry perkins hoffman johnston
matthews richards willis carpenter lawrence chapman watkins greene wheeler harper burke larson franklin carlson
austin carr lawson jacobs obrien o'brien lynch singh bishop montgomery oliver jensen harvey williamson gilbert
dean sims howell reid hanson mccoy garrett burton fuller wang weber welch lucas fields park yang little banks
 walsh bowman fowler davidson brewer may holland newman pearson curtis douglas barrett keller wade stanley
hopkins barnett bates chambers caldwell beck lambert byrd craig lowe powers neal leonard gregory sutton fleming
rhodes shelton norris jennings watts walters cohen moran parks steele vaughn becker holt barker terry hale
benson haynes horton miles lyons graves bush thornton wolfe warner mann dawson fletcher page mccarthy love
baldwin hardy higgins cummings chandler sharp barber bowen dennis robbins ramsey francis griffith paul blair
oconnor o'connor quinn moss swanson chan khan rodgers fitzgerald stevenson manning gill curry mclaughlin
harmon mcgee gross doyle garner newton burgess reese walton blake brady goodman webster goodwin fischer huang
potter todd wu hines mullins malone cannon tate mack sherman hubbard hodges zhang wolf saunders rowe gallagher
farmer hammond hampton townsend ingram wise clarke barton maxwell waters logan norman parsons frank harrington
glover osborne buchanan casey floyd patton ball tyler bowers gibbs bauer conner moody mcguire lloyd hartman
french kramer mcbride pope lindsey norton flynn yates hogan marsh pratt stokes owen ballard lang brock drake
cain patrick burnett shepherd lamb mckenzie nash wilkins briggs shah holloway flowers hoover short bryan weiss
underwood bass summers houston carson morrow clayton whitaker decker collier carey wilcox poole conley
davenport copeland massey cameron jefferson hood monroe anthony pittman randall kirk combs skinner bradford
bridges bruce atkinson roy vincent york hodge abbott allison chase sweeney farrell wyatt dalton horn
phelps heath foley atkins hancock callahan dillon cline grimes bond kane savage booth golden ware brennan
marks humphrey baxter sawyer clay tanner hutchinson berg wiley gilmore hobbs keith beard snow preston vance barry
eaton blackwell dyer prince solomon stafford english hurst shannon kemp nolan merritt moon strong winters knox
bullock kerr leach meadows orr kent conway barr gaines bartlett durham stein sloan gentry ellison buck middleton
sellers bradshaw howe frost glass morse knapp noble spears weeks buckley reilly pennington giles crosby
donovan mays mahoney valentine raymond hahn small bentley peck boyle hanna pace rush hurley harding everett avery
pugh shepard case sampson moses blackburn dunlap gould duffy vaughan rivers farley ashley friedman potts costa
nixon best benton dougherty crane haley finley lynn bean dodson mullen richmond sheppard booker waller woodward
stuart faulkner compton dudley pollard proctor good madden terrell jarvis dickson branch rollins rowland
whitney duke travis archer
davies griffiths lloyd morgan jenkins price hughes rees owen powell pritchard bevan vaughan probert
gray castle carpenter cook bird swan crow hawk fish salmon lamb bull steer fox wolf bear hare badger rabbit
miller fisher fowler hunter archer bowman sadler tanner turner weaver webster walker fuller dyer chandler
cooper carter wainwright wright smith taylor baker butcher brewer cook mason thatcher slater tiler shepherd
farmer gardener forester woodman fletcher porter page knight squire bishop abbot monk dean deacon parsons
pope king prince duke earl lord baron steward marshal sheriff reeve chamberlain butler cheek
long short little small large broad strong young newman goodman goodwin good best wise sharp swift
bright moody rich noble hardy proud merry gay bliss joy love hope faith mercy grace
white black brown green gray grey reed read reid rose lily bush moss heath field fields wood woods forest
grove hill hills dale vale valley brook brooks rivers pool lake marsh ford bridge bridges stone stones rock
cliff hall castle tower banks bank shore coast
waters north south east west winter winters summer summers frost snow knight moon
 sterling silver gold golden steel iron price penny pound
park kim lee choi jung kang cho yoon jang lim han seo shin kwon hwang ahn song yoo hong jeon moon
chan wong li lin liu chen zhang wang yang huang zhao wu zhou xu sun zhu hu guo gao luo zheng liang
song tang han cao deng xiao feng zeng cheng cai peng pan yuan yu dong wei jiang tian ding
tanaka suzuki takahashi watanabe ito yamamoto nakamura kobayashi kato yoshida yamada sasaki yamaguchi
matsumoto inoue kimura hayashi shimizu
patel shah singh kumar sharma gupta rao reddy nair iyer menon pillai das bose sen ghosh mukherjee chatterjee
banerjee khan ahmed ali hussain hassan rahman chowdhury malik qureshi sheikh siddiqui akhtar iqbal
okafor okonkwo adeyemi adebayo okoro eze nwosu mensah asante boateng owusu osei agyeman
o'sullivan o'neill o'reilly o'donnell o'connell o'malley o'leary o'keeffe o'shea o'dwyer mcmahon
""".split())

# People after whom schools, streets, hospitals and rooms are commonly named (folded): after a place
# word ("au lycée victor hugo a lieu ...") their name stays part of the place even before a verb.
NAMESAKES = frozenset(fold(w) for w in """
victor-hugo jean-jaures jean-moulin jules-ferry louise-michel marie-curie pierre-curie louis-pasteur pasteur
charles-de-gaulle de-gaulle georges-pompidou francois-mitterrand jacques-chirac simone-veil simone-weil
nelson-mandela martin-luther-king albert-camus jean-zay leon-blum jean-mace paul-langevin jacques-prevert
antoine-de-saint-exupery saint-exupery jules-verne emile-zola voltaire jean-jacques-rousseau moliere
aime-cesaire gustave-eiffel robert-debre ambroise-pare georges-brassens pablo-neruda rosa-parks
olympe-de-gouges lucie-aubrac germaine-tillion josephine-baker anne-frank marcel-pagnol jean-monnet
robert-schuman jean-mermoz francoise-dolto maria-montessori paul-eluard louis-aragon elsa-triolet guy-moquet
danielle-casanova pierre-mendes-france mendes-france paul-bert condorcet gambetta clemenceau jean-rostand
paul-vaillant-couturier henri-barbusse gabriel-peri salvador-allende frederic-chopin claude-debussy
henri-iv louis-le-grand charlemagne jeanne-d'arc marcel-cachin romain-rolland anatole-france alphonse-daudet
george-sand colette marguerite-yourcenar marguerite-duras simone-de-beauvoir jean-paul-sartre
jean-baptiste-clement jean-lurcat jean-vilar jean-bouin pierre-de-coubertin suzanne-lenglen pierre-mauroy
raymond-poincare aristide-briand jean-moulin lazare-carnot sadi-carnot jean-racine pierre-corneille
jean-de-la-fontaine la-fontaine victor-schoelcher schoelcher toussaint-louverture frantz-fanon
leopold-sedar-senghor edouard-herriot gaston-defferre camille-claudel auguste-rodin rodin claude-monet
paul-cezanne vincent-van-gogh henri-matisse pablo-picasso joan-miro le-corbusier andre-malraux
francois-rabelais rabelais michel-de-montaigne montaigne blaise-pascal rene-descartes descartes
denis-diderot diderot montesquieu joliot-curie irene-joliot-curie frederic-joliot-curie andre-citroen
louis-armand jean-perrin paul-langevin andre-breton rene-char boris-vian edith-piaf jacques-brel
georges-clemenceau jean-giono albert-schweitzer abbe-pierre coluche mere-teresa gandhi
robert-desnos max-jacob jacques-decour gaston-monnerville felix-eboue nicolas-appert
luther-king martin-luther-king-junior luther-king-junior martin-luther-king-jr washington george-washington
abraham-lincoln lincoln thomas-jefferson jefferson john-f-kennedy winston-churchill churchill florence-nightingale
mahatma-gandhi indira-gandhi rajiv-gandhi jawaharlal-nehru nehru jomo-kenyatta kenyatta kwame-nkrumah nkrumah
nnamdi-azikiwe azikiwe obafemi-awolowo awolowo desmond-tutu oliver-tambo steve-biko walter-sisulu chris-hani
harriet-tubman frederick-douglass susan-b-anthony eleanor-roosevelt franklin-roosevelt theodore-roosevelt
john-a-macdonald wilfrid-laurier william-shakespeare shakespeare charles-dickens isaac-newton charles-darwin
james-cook edmund-hillary kate-sheppard robert-burns queen-elizabeth king-edward sun-yat-sen
""".split())


@functools.lru_cache(maxsize=1)
def world_first_names() -> frozenset[str]:
    """First names of many countries and origins (folded, about 48,000), from the name dictionary that
    the gender-guesser package ships (Jörg Michael's nam_dict.txt: names from Europe, the Americas,
    Africa, the Arab world, Turkey, Iran, India, China, Japan, Korea, Vietnam ...).  Many are ordinary
    words too ("rose", "will", "pierre"): callers decide how much weight a bare match carries."""
    from gender_guesser.detector import Detector

    out: set[str] = set()
    for name in Detector(case_sensitive=False).names:
        f = fold(name)
        if len(f) >= 3 and " " not in f and f.replace("-", "").replace("'", "").isalpha():
            out.add(f)
    return frozenset(out)


@functools.lru_cache(maxsize=1)
def anglophone_first_names() -> frozenset[str]:
    """The names of :func:`world_first_names` given in Great Britain, Ireland or the USA (the first three
    frequency columns of nam_dict.txt): "sam", "lee", "grant" are English first names though English
    words; "kin", "said", "sim" are names elsewhere, and only words in an English meeting."""
    from gender_guesser.detector import Detector

    out: set[str] = set()
    for name, genders in Detector(case_sensitive=False).names.items():
        f = fold(name)
        if " " not in f and any(str(freq)[:3].strip() for freq in genders.values()):
            out.add(f)
    return frozenset(out)

# Chinese family names as Hong Kong, Singapore, Malaysia and the mainland romanise them (Cantonese, Hokkien,
# Teochew, Hakka and pinyin spellings), and the syllables their two-syllable given names are written with:
# "mr lau chi wai", "ms tsang wing yee", "lee hui min" are one person each, the given name after the family
# name as they are said.
CJK_SURNAMES = frozenset("""
lau tsang chan wong cheung leung ng ho lam lee chow tam yip kwok fung mak law lai siu tse chu cheng yeung
chung kwan choi lo au poon tang tsui hui ma yuen wan lui koo tong tan lim goh teo ong low chua koh seah toh
yap sim tay foo neo quek chia heng khoo liew loh soh tee wee li lin liu chen zhang wang yang huang zhao wu
zhou xu sun zhu hu guo gao luo zheng liang song han cao deng xiao feng zeng cai peng pan yuan yu dong wei
jiang tian ding kong mok pang shum sze tung wai yau yim chiu chong fong kam keung kwong man mo ngai so tai
""".split())
CJK_GIVEN = frozenset("""
chi wai ka ho wing yee hui min ling wei mei man kin kit yan ying siu fung lai chun kwok tak hung ming lok pui
shan sze ting yuk wah kam kai tsz hei lam fai kwan yiu hoi po sau mui fong ping hong keung cheuk yu xin xiao
jun jie hao yang hua li na qing feng lei tao bo hai zhi yi jing xiu yun lan hong zi fang jia qi rui yong
chee kiat seng huat beng kok boon hock leong meng choon soon keat eng wee hwee ling peng yong kheng lian
kee kuan lun nam on sum suet tin wa yat yin yung chak chiu fai hin lung nga oi sin wan
""".split())
