// `state.<state>` (what the VM is in) and `activity.<state>` (what is being done now) for every
// state of every pipeline in provisioner/pipelines/*, composed from the pipeline's wording and
// the step's phrase, plus the states no step starts from (ready, remove, error_terminate, …).
// The gateway sends these keys (gateway/whmcs/states.ts); PHP and the page script show them.
import { defineStrings, type Strings, type Translations } from '../define.ts';
import { LANGUAGES } from '../languages.ts';
import { deployPipeline } from '../../../provisioner/pipelines/deploy.ts';
import { lifecyclePipelines } from '../../../provisioner/pipelines/lifecycle.ts';
import { STEP_PHRASES } from './step-phrases.ts';

interface Wording {
  /** state.*: ":n" and ":total" are the step's place in the pipeline. */
  state: Translations;
  /** activity.*: ":step" is the step's phrase. */
  activity: Translations;
}

// prettier-ignore
const PIPELINES: Record<string, Wording> = {
  deploy: {
    state: {
      arabic: 'قيد الإعداد (:n/:total)', azerbaijani: 'Quraşdırılır (:n/:total)', catalan: 'En desplegament (:n/:total)', chinese: '部署中（:n/:total）',
      croatian: 'Postavljanje (:n/:total)', czech: 'Nasazování (:n/:total)', danish: 'Udrulles (:n/:total)', dutch: 'Wordt uitgerold (:n/:total)',
      english: 'Deploying (:n/:total)', estonian: 'Paigaldamine (:n/:total)', farsi: 'در حال استقرار (:n/:total)', french: 'Déploiement (:n/:total)',
      german: 'Wird bereitgestellt (:n/:total)', hebrew: 'בפריסה (:n/:total)', hungarian: 'Telepítés (:n/:total)', italian: 'In deploy (:n/:total)',
      macedonian: 'Се поставува (:n/:total)', norwegian: 'Rulles ut (:n/:total)', 'portuguese-br': 'Implantando (:n/:total)', 'portuguese-pt': 'A implementar (:n/:total)',
      romanian: 'Se implementează (:n/:total)', russian: 'Развёртывание (:n/:total)', spanish: 'Desplegando (:n/:total)', swedish: 'Driftsätts (:n/:total)',
      turkish: 'Dağıtılıyor (:n/:total)', ukranian: 'Розгортання (:n/:total)',
    },
    activity: {
      arabic: 'الإعداد جارٍ: :step', azerbaijani: 'Quraşdırma gedir: :step', catalan: 'Desplegament en curs: :step', chinese: '正在部署：:step',
      croatian: 'Postavljanje u tijeku: :step', czech: 'Probíhá nasazení: :step', danish: 'Udrulning i gang: :step', dutch: 'Uitrol bezig: :step',
      english: 'Deploy in progress: :step', estonian: 'Paigaldus käib: :step', farsi: 'استقرار در جریان است: :step', french: 'Déploiement en cours : :step',
      german: 'Bereitstellung läuft: :step', hebrew: 'פריסה בתהליך: :step', hungarian: 'Telepítés folyamatban: :step', italian: 'Deploy in corso: :step',
      macedonian: 'Поставувањето е во тек: :step', norwegian: 'Utrulling pågår: :step', 'portuguese-br': 'Implantação em andamento: :step', 'portuguese-pt': 'Implementação em curso: :step',
      romanian: 'Implementare în curs: :step', russian: 'Идёт развёртывание: :step', spanish: 'Despliegue en curso: :step', swedish: 'Driftsättning pågår: :step',
      turkish: 'Dağıtım sürüyor: :step', ukranian: 'Триває розгортання: :step',
    },
  },
  change_package: {
    state: {
      arabic: 'تغيير الباقة (:n/:total)', azerbaijani: 'Paket dəyişdirilir (:n/:total)', catalan: 'Canvi de pla (:n/:total)', chinese: '更改套餐中（:n/:total）',
      croatian: 'Promjena paketa (:n/:total)', czech: 'Změna balíčku (:n/:total)', danish: 'Pakkeskift (:n/:total)', dutch: 'Pakketwijziging (:n/:total)',
      english: 'Changing package (:n/:total)', estonian: 'Paketi muutmine (:n/:total)', farsi: 'در حال تغییر بسته (:n/:total)', french: 'Changement d’offre (:n/:total)',
      german: 'Paketwechsel (:n/:total)', hebrew: 'החלפת חבילה (:n/:total)', hungarian: 'Csomagváltás (:n/:total)', italian: 'Cambio pacchetto (:n/:total)',
      macedonian: 'Промена на пакет (:n/:total)', norwegian: 'Bytter pakke (:n/:total)', 'portuguese-br': 'Alterando o plano (:n/:total)', 'portuguese-pt': 'A alterar o plano (:n/:total)',
      romanian: 'Schimbare de pachet (:n/:total)', russian: 'Смена тарифа (:n/:total)', spanish: 'Cambiando de plan (:n/:total)', swedish: 'Byter paket (:n/:total)',
      turkish: 'Paket değiştiriliyor (:n/:total)', ukranian: 'Зміна тарифу (:n/:total)',
    },
    activity: {
      arabic: 'تغيير الباقة جارٍ: :step', azerbaijani: 'Paket dəyişikliyi gedir: :step', catalan: 'Canvi de pla en curs: :step', chinese: '正在更改套餐：:step',
      croatian: 'Promjena paketa u tijeku: :step', czech: 'Probíhá změna balíčku: :step', danish: 'Pakkeskift i gang: :step', dutch: 'Pakketwijziging bezig: :step',
      english: 'Package change in progress: :step', estonian: 'Paketi muutmine käib: :step', farsi: 'تغییر بسته در جریان است: :step', french: 'Changement d’offre en cours : :step',
      german: 'Paketwechsel läuft: :step', hebrew: 'החלפת חבילה בתהליך: :step', hungarian: 'Csomagváltás folyamatban: :step', italian: 'Cambio pacchetto in corso: :step',
      macedonian: 'Промената на пакет е во тек: :step', norwegian: 'Pakkebytte pågår: :step', 'portuguese-br': 'Alteração de plano em andamento: :step', 'portuguese-pt': 'Alteração de plano em curso: :step',
      romanian: 'Schimbare de pachet în curs: :step', russian: 'Идёт смена тарифа: :step', spanish: 'Cambio de plan en curso: :step', swedish: 'Paketbyte pågår: :step',
      turkish: 'Paket değişikliği sürüyor: :step', ukranian: 'Триває зміна тарифу: :step',
    },
  },
  reinstall: {
    state: {
      arabic: 'إعادة التثبيت (:n/:total)', azerbaijani: 'Yenidən quraşdırılır (:n/:total)', catalan: 'Reinstal·lació (:n/:total)', chinese: '重装中（:n/:total）',
      croatian: 'Ponovna instalacija (:n/:total)', czech: 'Přeinstalace (:n/:total)', danish: 'Geninstallation (:n/:total)', dutch: 'Herinstallatie (:n/:total)',
      english: 'Reinstalling (:n/:total)', estonian: 'Uuesti paigaldamine (:n/:total)', farsi: 'در حال نصب دوباره (:n/:total)', french: 'Réinstallation (:n/:total)',
      german: 'Neuinstallation (:n/:total)', hebrew: 'התקנה מחדש (:n/:total)', hungarian: 'Újratelepítés (:n/:total)', italian: 'Reinstallazione (:n/:total)',
      macedonian: 'Повторна инсталација (:n/:total)', norwegian: 'Reinstallerer (:n/:total)', 'portuguese-br': 'Reinstalando (:n/:total)', 'portuguese-pt': 'A reinstalar (:n/:total)',
      romanian: 'Reinstalare (:n/:total)', russian: 'Переустановка (:n/:total)', spanish: 'Reinstalando (:n/:total)', swedish: 'Ominstalleras (:n/:total)',
      turkish: 'Yeniden kuruluyor (:n/:total)', ukranian: 'Перевстановлення (:n/:total)',
    },
    activity: {
      arabic: 'إعادة التثبيت جارية: :step', azerbaijani: 'Yenidən quraşdırma gedir: :step', catalan: 'Reinstal·lació en curs: :step', chinese: '正在重装：:step',
      croatian: 'Ponovna instalacija u tijeku: :step', czech: 'Probíhá přeinstalace: :step', danish: 'Geninstallation i gang: :step', dutch: 'Herinstallatie bezig: :step',
      english: 'Reinstall in progress: :step', estonian: 'Uuesti paigaldus käib: :step', farsi: 'نصب دوباره در جریان است: :step', french: 'Réinstallation en cours : :step',
      german: 'Neuinstallation läuft: :step', hebrew: 'התקנה מחדש בתהליך: :step', hungarian: 'Újratelepítés folyamatban: :step', italian: 'Reinstallazione in corso: :step',
      macedonian: 'Повторната инсталација е во тек: :step', norwegian: 'Reinstallasjon pågår: :step', 'portuguese-br': 'Reinstalação em andamento: :step', 'portuguese-pt': 'Reinstalação em curso: :step',
      romanian: 'Reinstalare în curs: :step', russian: 'Идёт переустановка: :step', spanish: 'Reinstalación en curso: :step', swedish: 'Ominstallation pågår: :step',
      turkish: 'Yeniden kurulum sürüyor: :step', ukranian: 'Триває перевстановлення: :step',
    },
  },
  redeploy: {
    state: {
      arabic: 'إعادة النشر (:n/:total)', azerbaijani: 'Yenidən yerləşdirilir (:n/:total)', catalan: 'Redesplegament (:n/:total)', chinese: '重新部署中（:n/:total）',
      croatian: 'Ponovno postavljanje (:n/:total)', czech: 'Nové nasazení (:n/:total)', danish: 'Ny udrulning (:n/:total)', dutch: 'Opnieuw uitrollen (:n/:total)',
      english: 'Redeploying (:n/:total)', estonian: 'Uuesti paigaldamine (:n/:total)', farsi: 'در حال استقرار دوباره (:n/:total)', french: 'Redéploiement (:n/:total)',
      german: 'Neubereitstellung (:n/:total)', hebrew: 'פריסה מחדש (:n/:total)', hungarian: 'Újratelepítés (:n/:total)', italian: 'Nuovo deploy (:n/:total)',
      macedonian: 'Повторно поставување (:n/:total)', norwegian: 'Ny utrulling (:n/:total)', 'portuguese-br': 'Reimplantando (:n/:total)', 'portuguese-pt': 'A reimplementar (:n/:total)',
      romanian: 'Reimplementare (:n/:total)', russian: 'Повторное развёртывание (:n/:total)', spanish: 'Redesplegando (:n/:total)', swedish: 'Ny driftsättning (:n/:total)',
      turkish: 'Yeniden dağıtılıyor (:n/:total)', ukranian: 'Повторне розгортання (:n/:total)',
    },
    activity: {
      arabic: 'إعادة النشر جارية: :step', azerbaijani: 'Yenidən yerləşdirmə gedir: :step', catalan: 'Redesplegament en curs: :step', chinese: '正在重新部署：:step',
      croatian: 'Ponovno postavljanje u tijeku: :step', czech: 'Probíhá nové nasazení: :step', danish: 'Ny udrulning i gang: :step', dutch: 'Opnieuw uitrollen bezig: :step',
      english: 'Redeploy in progress: :step', estonian: 'Uus paigaldus käib: :step', farsi: 'استقرار دوباره در جریان است: :step', french: 'Redéploiement en cours : :step',
      german: 'Neubereitstellung läuft: :step', hebrew: 'פריסה מחדש בתהליך: :step', hungarian: 'Újratelepítés folyamatban: :step', italian: 'Nuovo deploy in corso: :step',
      macedonian: 'Повторното поставување е во тек: :step', norwegian: 'Ny utrulling pågår: :step', 'portuguese-br': 'Reimplantação em andamento: :step', 'portuguese-pt': 'Reimplementação em curso: :step',
      romanian: 'Reimplementare în curs: :step', russian: 'Идёт повторное развёртывание: :step', spanish: 'Redespliegue en curso: :step', swedish: 'Ny driftsättning pågår: :step',
      turkish: 'Yeniden dağıtım sürüyor: :step', ukranian: 'Триває повторне розгортання: :step',
    },
  },
  terminate: {
    state: {
      arabic: 'قيد الإنهاء (:n/:total)', azerbaijani: 'Ləğv edilir (:n/:total)', catalan: 'En cancel·lació (:n/:total)', chinese: '终止中（:n/:total）',
      croatian: 'Ukidanje (:n/:total)', czech: 'Rušení (:n/:total)', danish: 'Opsiges (:n/:total)', dutch: 'Wordt opgeheven (:n/:total)',
      english: 'Terminating (:n/:total)', estonian: 'Lõpetamine (:n/:total)', farsi: 'در حال خاتمه (:n/:total)', french: 'Résiliation (:n/:total)',
      german: 'Wird gekündigt (:n/:total)', hebrew: 'בסיום (:n/:total)', hungarian: 'Megszüntetés (:n/:total)', italian: 'In terminazione (:n/:total)',
      macedonian: 'Се укинува (:n/:total)', norwegian: 'Avsluttes (:n/:total)', 'portuguese-br': 'Encerrando (:n/:total)', 'portuguese-pt': 'A terminar (:n/:total)',
      romanian: 'Se închide (:n/:total)', russian: 'Удаление услуги (:n/:total)', spanish: 'Cancelando (:n/:total)', swedish: 'Avslutas (:n/:total)',
      turkish: 'Sonlandırılıyor (:n/:total)', ukranian: 'Припинення (:n/:total)',
    },
    activity: {
      arabic: 'الإنهاء جارٍ: :step', azerbaijani: 'Ləğvetmə gedir: :step', catalan: 'Cancel·lació en curs: :step', chinese: '正在终止：:step',
      croatian: 'Ukidanje u tijeku: :step', czech: 'Probíhá zrušení: :step', danish: 'Opsigelse i gang: :step', dutch: 'Opheffing bezig: :step',
      english: 'Termination in progress: :step', estonian: 'Lõpetamine käib: :step', farsi: 'خاتمه در جریان است: :step', french: 'Résiliation en cours : :step',
      german: 'Kündigung läuft: :step', hebrew: 'סיום בתהליך: :step', hungarian: 'Megszüntetés folyamatban: :step', italian: 'Terminazione in corso: :step',
      macedonian: 'Укинувањето е во тек: :step', norwegian: 'Avslutning pågår: :step', 'portuguese-br': 'Encerramento em andamento: :step', 'portuguese-pt': 'Terminação em curso: :step',
      romanian: 'Închidere în curs: :step', russian: 'Идёт удаление услуги: :step', spanish: 'Cancelación en curso: :step', swedish: 'Avslutning pågår: :step',
      turkish: 'Sonlandırma sürüyor: :step', ukranian: 'Триває припинення: :step',
    },
  },
  set_dns_records: {
    state: {
      arabic: 'تحديث DNS', azerbaijani: 'DNS yenilənir', catalan: 'Actualització de DNS', chinese: '更新 DNS', croatian: 'Ažuriranje DNS-a', czech: 'Aktualizace DNS',
      danish: 'DNS opdateres', dutch: 'DNS bijwerken', english: 'Updating DNS', estonian: 'DNS-i uuendamine', farsi: 'به‌روزرسانی DNS', french: 'Mise à jour DNS',
      german: 'DNS-Aktualisierung', hebrew: 'עדכון DNS', hungarian: 'DNS frissítése', italian: 'Aggiornamento DNS', macedonian: 'Ажурирање DNS', norwegian: 'Oppdaterer DNS',
      'portuguese-br': 'Atualizando DNS', 'portuguese-pt': 'A atualizar DNS', romanian: 'Actualizare DNS', russian: 'Обновление DNS', spanish: 'Actualizando DNS',
      swedish: 'Uppdaterar DNS', turkish: 'DNS güncelleniyor', ukranian: 'Оновлення DNS',
    },
    // One step: the activity is the step's phrase itself.
    activity: Object.fromEntries(LANGUAGES.map((l) => [l, ':step'])) as Translations,
  },
};

/** States no step starts from: the final ones, and the ones admins or the gateway set. */
// prettier-ignore
const SPECIAL: Record<string, Wording> = {
  ready: {
    state: {
      arabic: 'جاهز', azerbaijani: 'Hazırdır', catalan: 'A punt', chinese: '就绪', croatian: 'Spremno', czech: 'Připraveno', danish: 'Klar', dutch: 'Gereed',
      english: 'Ready', estonian: 'Valmis', farsi: 'آماده', french: 'Prêt', german: 'Bereit', hebrew: 'מוכן', hungarian: 'Kész', italian: 'Pronto',
      macedonian: 'Подготвено', norwegian: 'Klar', 'portuguese-br': 'Pronto', 'portuguese-pt': 'Pronto', romanian: 'Gata', russian: 'Готово',
      spanish: 'Listo', swedish: 'Klar', turkish: 'Hazır', ukranian: 'Готово',
    },
    activity: {
      arabic: 'لا توجد مهمة قيد التنفيذ', azerbaijani: 'Aktiv tapşırıq yoxdur', catalan: 'Cap tasca en curs', chinese: '没有正在进行的任务', croatian: 'Nema zadataka u tijeku',
      czech: 'Neprobíhá žádná úloha', danish: 'Ingen opgaver i gang', dutch: 'Geen taak bezig', english: 'No task in progress', estonian: 'Ühtegi toimingut ei käi',
      farsi: 'هیچ کاری در جریان نیست', french: 'Aucune tâche en cours', german: 'Keine Aufgabe in Bearbeitung', hebrew: 'אין משימה בתהליך', hungarian: 'Nincs folyamatban lévő feladat',
      italian: 'Nessuna attività in corso', macedonian: 'Нема задача во тек', norwegian: 'Ingen oppgave pågår', 'portuguese-br': 'Nenhuma tarefa em andamento',
      'portuguese-pt': 'Nenhuma tarefa em curso', romanian: 'Nicio sarcină în curs', russian: 'Нет выполняемых задач', spanish: 'Ninguna tarea en curso',
      swedish: 'Ingen uppgift pågår', turkish: 'Devam eden görev yok', ukranian: 'Немає активних завдань',
    },
  },
  remove: {
    state: {
      arabic: 'محذوف', azerbaijani: 'Silinib', catalan: 'Eliminada', chinese: '已删除', croatian: 'Uklonjeno', czech: 'Odstraněno', danish: 'Fjernet', dutch: 'Verwijderd',
      english: 'Removed', estonian: 'Eemaldatud', farsi: 'حذف شده', french: 'Supprimée', german: 'Entfernt', hebrew: 'הוסר', hungarian: 'Eltávolítva', italian: 'Rimossa',
      macedonian: 'Отстрането', norwegian: 'Fjernet', 'portuguese-br': 'Removida', 'portuguese-pt': 'Removida', romanian: 'Eliminată', russian: 'Удалена',
      spanish: 'Eliminada', swedish: 'Borttagen', turkish: 'Kaldırıldı', ukranian: 'Видалено',
    },
    activity: {
      arabic: 'تم حذف الجهاز الافتراضي', azerbaijani: 'VM silinib', catalan: 'La VM s’ha eliminat', chinese: '虚拟机已删除', croatian: 'VM je uklonjen', czech: 'VM byl odstraněn',
      danish: 'VM’en er fjernet', dutch: 'De VM is verwijderd', english: 'The VM was removed', estonian: 'VM on eemaldatud', farsi: 'ماشین مجازی حذف شد', french: 'La VM a été supprimée',
      german: 'Die VM wurde entfernt', hebrew: 'המכונה הווירטואלית הוסרה', hungarian: 'A VM eltávolítva', italian: 'La VM è stata rimossa', macedonian: 'VM е отстранета',
      norwegian: 'VM-en er fjernet', 'portuguese-br': 'A VM foi removida', 'portuguese-pt': 'A VM foi removida', romanian: 'VM a fost eliminată', russian: 'ВМ удалена',
      spanish: 'La VM se ha eliminado', swedish: 'VM:en har tagits bort', turkish: 'VM kaldırıldı', ukranian: 'ВМ видалено',
    },
  },
  error_terminate: {
    state: {
      arabic: 'فشل الإنهاء', azerbaijani: 'Ləğvetmə uğursuz oldu', catalan: 'La cancel·lació ha fallat', chinese: '终止失败', croatian: 'Ukidanje nije uspjelo', czech: 'Zrušení selhalo',
      danish: 'Opsigelsen mislykkedes', dutch: 'Opheffing mislukt', english: 'Termination failed', estonian: 'Lõpetamine ebaõnnestus', farsi: 'خاتمه ناموفق بود', french: 'Échec de la résiliation',
      german: 'Kündigung fehlgeschlagen', hebrew: 'הסיום נכשל', hungarian: 'A megszüntetés sikertelen', italian: 'Terminazione non riuscita', macedonian: 'Укинувањето не успеа',
      norwegian: 'Avslutningen mislyktes', 'portuguese-br': 'Falha no encerramento', 'portuguese-pt': 'Falha na terminação', romanian: 'Închiderea a eșuat', russian: 'Удаление не удалось',
      spanish: 'La cancelación ha fallado', swedish: 'Avslutningen misslyckades', turkish: 'Sonlandırma başarısız', ukranian: 'Припинення не вдалося',
    },
    activity: {
      arabic: 'بانتظار المسؤول', azerbaijani: 'Administrator gözlənilir', catalan: 'A l’espera d’un administrador', chinese: '等待管理员处理', croatian: 'Čeka administratora',
      czech: 'Čeká na správce', danish: 'Venter på en administrator', dutch: 'Wacht op een beheerder', english: 'Waiting for an administrator', estonian: 'Ootab administraatorit',
      farsi: 'در انتظار مدیر', french: 'En attente d’un administrateur', german: 'Wartet auf einen Administrator', hebrew: 'ממתין למנהל', hungarian: 'Rendszergazdára vár',
      italian: 'In attesa di un amministratore', macedonian: 'Чека администратор', norwegian: 'Venter på en administrator', 'portuguese-br': 'Aguardando um administrador',
      'portuguese-pt': 'A aguardar um administrador', romanian: 'Așteaptă un administrator', russian: 'Ожидает администратора', spanish: 'Esperando a un administrador',
      swedish: 'Väntar på en administratör', turkish: 'Bir yönetici bekleniyor', ukranian: 'Очікує адміністратора',
    },
  },
  none: {
    state: {
      arabic: 'لم يُجهَّز بعد', azerbaijani: 'Hələ quraşdırılmayıb', catalan: 'Encara no creada', chinese: '尚未开通', croatian: 'Još nije postavljeno', czech: 'Zatím nezřízeno',
      danish: 'Ikke oprettet endnu', dutch: 'Nog niet ingericht', english: 'Not provisioned yet', estonian: 'Veel loomata', farsi: 'هنوز راه‌اندازی نشده', french: 'Pas encore créée',
      german: 'Noch nicht eingerichtet', hebrew: 'טרם הוקם', hungarian: 'Még nincs létrehozva', italian: 'Non ancora creata', macedonian: 'Сè уште не е поставено',
      norwegian: 'Ikke opprettet ennå', 'portuguese-br': 'Ainda não provisionada', 'portuguese-pt': 'Ainda não criada', romanian: 'Încă necreată', russian: 'Ещё не создана',
      spanish: 'Aún no creada', swedish: 'Inte skapad än', turkish: 'Henüz kurulmadı', ukranian: 'Ще не створено',
    },
    activity: {
      arabic: 'بانتظار الإعداد', azerbaijani: 'Quraşdırma gözlənilir', catalan: 'A l’espera de la creació', chinese: '等待开通', croatian: 'Čeka postavljanje', czech: 'Čeká na zřízení',
      danish: 'Venter på oprettelse', dutch: 'Wacht op inrichting', english: 'Waiting to be provisioned', estonian: 'Ootab loomist', farsi: 'در انتظار راه‌اندازی', french: 'En attente de création',
      german: 'Wartet auf die Einrichtung', hebrew: 'ממתין להקמה', hungarian: 'Létrehozásra vár', italian: 'In attesa di creazione', macedonian: 'Чека поставување',
      norwegian: 'Venter på opprettelse', 'portuguese-br': 'Aguardando provisionamento', 'portuguese-pt': 'A aguardar criação', romanian: 'Așteaptă crearea', russian: 'Ожидает создания',
      spanish: 'Esperando la creación', swedish: 'Väntar på att skapas', turkish: 'Kurulum bekleniyor', ukranian: 'Очікує створення',
    },
  },
};

const fill = (text: string, args: Record<string, string | number>) => text.replace(/(?<![A-Za-z0-9]):([a-z]+)/g, (m, k: string) => (k in args ? String(args[k]) : m));

function composeAll(): Strings {
  const out: Strings = {};
  for (const p of [deployPipeline, ...lifecyclePipelines]) {
    const wording = PIPELINES[p.action];
    if (!wording) throw new Error(`php-shim/lang/server/states.ts: no wording for pipeline "${p.action}"`);
    p.steps.forEach((step, i) => {
      const phrase = STEP_PHRASES[step.label];
      if (!phrase) throw new Error(`php-shim/lang/server/step-phrases.ts: no phrase for step "${step.label}" of ${p.action}`);
      const state = {} as Translations;
      const activity = {} as Translations;
      for (const l of LANGUAGES) {
        state[l] = fill(wording.state[l], { n: i + 1, total: p.steps.length });
        activity[l] = fill(wording.activity[l], { step: phrase[l] });
      }
      // A state shared by two pipelines (redeploy ends in "creation") keeps the first wording.
      out[`state.${step.from}`] ??= state;
      out[`activity.${step.from}`] ??= activity;
    });
  }
  for (const [state, w] of Object.entries(SPECIAL)) {
    out[`state.${state}`] = w.state;
    out[`activity.${state}`] = w.activity;
  }
  return out;
}

export default defineStrings(composeAll());
